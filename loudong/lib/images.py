"""Images people upload, refused before they are decoded when they hold too many pixels.

A 455 KB PNG of 12,500 x 12,500 pixels decodes to gigabytes: the file size says nothing about the
cost. Opening an image with Pillow reads its header only, so the size is known for almost nothing;
every form that takes an image calls `refuse_too_many_pixels` before anything decodes it.

Setting IMAGE_MAX_PIXELS (env LOUDONG_IMAGE_MAX_PIXELS, default 40 million): the most pixels an
uploaded image may have. A 50-megapixel phone camera saves 12.5-megapixel photos unless told otherwise.
"""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

DEFAULT_MAX_PIXELS = 40_000_000


def max_pixels() -> int:
    return int(getattr(settings, "IMAGE_MAX_PIXELS", None) or DEFAULT_MAX_PIXELS)


# Whatever else decodes an image (a PDF embedding a photo) stops at twice the limit.
Image.MAX_IMAGE_PIXELS = max_pixels()


def too_many_pixels_message(name: str, size: tuple[int, int] | None = None) -> str:
    limit = f"{max_pixels() / 10_000:.0f} 万像素"
    found = f"（{size[0]}×{size[1]}）" if size else ""
    return f"图片“{name}”的像素太多{found}，超过了 {limit}，无法上传。请用手机截图，或在相册里把图片缩小后再传。"


def refuse_too_many_pixels(upload: object) -> None:
    """Raise ValidationError when the uploaded image has more pixels than allowed, reading only its
    header; leave the file at its start. What is not an image at all is the caller's to word."""
    name = getattr(upload, "name", "") or "图片"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                size = image.size
    except Image.DecompressionBombError as error:  # over twice Pillow's limit: refused while opening
        raise ValidationError(too_many_pixels_message(name)) from error
    except (UnidentifiedImageError, OSError, ValueError):
        return
    finally:
        upload.seek(0)
    if size[0] * size[1] > max_pixels():
        raise ValidationError(too_many_pixels_message(name, size))
