"""A photo sent in a JSON body: base64 of a JPEG or PNG that the phone has already shrunk. Checked
and re-encoded by the same code as a photo uploaded on the staff pages (tickets.forms_staff.clean_photo:
decompression bombs refused, metadata such as the location dropped)."""

import binascii
from base64 import b64decode
from math import ceil

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from loudong.tickets.forms_staff import clean_photo

MAX_PHOTO_KB = 300
SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG


class PhotoRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decoded_photo(text: str) -> ContentFile:
    """The photo ready to store; PhotoRefused with a Chinese message for anything else."""
    try:
        data = b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PhotoRefused("照片不是有效的 base64 编码（不要带“data:”前缀）。") from error
    if len(data) > MAX_PHOTO_KB * 1024:
        raise PhotoRefused(f"照片有 {ceil(len(data) / 1024)} KB，超过了 {MAX_PHOTO_KB} KB，请在手机上缩小后再传。")
    if not data.startswith(SIGNATURES):
        raise PhotoRefused("照片须是 JPEG 或 PNG 格式。")
    try:
        return clean_photo(SimpleUploadedFile("photo", data))
    except forms.ValidationError as error:
        raise PhotoRefused(error.messages[0]) from error
