"""gdanim: turn the gradient-descent lesson into an animated static site."""
