"""What a site with a public address (`--site-url`) adds for search engines and link
previews: each page's canonical URL and Open Graph / Twitter card tags (`page_meta`,
used by webpages.py), and the files behind them (`write`): a 1200x630 picture per chapter
made from its poster, sitemap.xml and robots.txt.

Without a site URL there is nothing to add: these all need absolute addresses, and the
site keeps every link relative."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SOCIAL_SIZE = (1200, 630)          # what Facebook, LinkedIn, Mastodon and X show large
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def social_source(page: dict) -> tuple[str, str] | None:
    """(site-relative picture, its alt text) that a chapter's link preview shows: its
    first poster, else its first still, as the index's cover does; None without one."""
    for animation in page["animations"]:
        if "poster" in animation.files:
            return animation.files["poster"], animation.alt
    for still in page["stills"]:
        return still.file, still.alt
    return None


def social_file(slug: str) -> str:
    return f"media/{slug}/social.png"


def page_meta(page: dict | None, pages: list[dict], site_url: str | None,
              href: str = "", title: str | None = None) -> dict | None:
    """The absolute addresses a page's <head> needs for link previews, or None without a
    site URL. `page` is a chapter's page dict, or None for a page of the whole site
    (the index; `href` and `title` name another, e.g. about.html), which shows the
    first chapter's picture. Keys: url, kind, title (None: the site's), and image,
    image_alt, width, height (image None when there is no picture)."""
    if not site_url:
        return None
    chapters = [page] if page else pages
    pictured = next((p for p in chapters if social_source(p)), None)
    meta = {"url": site_url + (page["href"] if page else href),
            "kind": "article" if page else "website",
            "title": page["title"] if page else title,
            "image": None, "image_alt": None,
            "width": SOCIAL_SIZE[0], "height": SOCIAL_SIZE[1]}
    if pictured:
        meta["image"] = site_url + social_file(pictured["slug"])
        meta["image_alt"] = social_source(pictured)[1]
    return meta


def write(site: Path, pages: list[dict], site_url: str | None) -> None:
    """With a site URL, write each chapter's link-preview picture, sitemap.xml and
    robots.txt into `site`; without one, nothing."""
    if not site_url:
        return
    for page in pages:
        source = social_source(page)
        if source:
            render_social(site / source[0], site / social_file(page["slug"]))
    # Every page written, but the 404 page; the index by its folder address.
    names = sorted(p.name for p in site.glob("*.html") if p.name not in ("index.html",
                                                                         "404.html"))
    write_sitemap(site / "sitemap.xml", [site_url] + [site_url + name for name in names])
    # Crawlers read robots.txt only at a host's root: under a project sub-path it is
    # ignored, and the sitemap has to be submitted by hand (e.g. Search Console).
    (site / "robots.txt").write_text(
        "# Everything here may be indexed. The sitemap lists every page.\n"
        f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n", encoding="utf-8")


def render_social(poster: Path, target: Path) -> None:
    """`poster` scaled to fit SOCIAL_SIZE whole (a 16:9 frame is a little narrower than
    1.91:1; cropping would cut off axis labels), centred on its own background colour,
    and reduced to 256 colours, which a chart on a plain background survives."""
    from PIL import Image

    from gdanim.figures.encode import atomic_path

    with Image.open(poster) as picture:
        picture = picture.convert("RGB")
    scale = min(SOCIAL_SIZE[0] / picture.width, SOCIAL_SIZE[1] / picture.height)
    size = (round(picture.width * scale), round(picture.height * scale))
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", SOCIAL_SIZE, picture.getpixel((0, 0)))
    canvas.paste(picture, ((SOCIAL_SIZE[0] - size[0]) // 2, (SOCIAL_SIZE[1] - size[1]) // 2))
    with atomic_path(target) as tmp:
        canvas.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            tmp, format="PNG", optimize=True)


def write_sitemap(path: Path, urls: list[str]) -> None:
    """A sitemap (sitemaps.org 0.9) of `urls`, escaped by the XML writer."""
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url in urls:
        ET.SubElement(ET.SubElement(urlset, "url"), "loc").text = url
    ET.indent(urlset)
    ET.ElementTree(urlset).write(path, encoding="UTF-8", xml_declaration=True)
