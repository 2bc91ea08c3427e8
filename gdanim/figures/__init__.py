"""Figures to files: scenes (matplotlib, built once), blitted rendering, ffmpeg encoding, the media files of an animation or still."""
