"""The password policy (等保 2.0 身份鉴别): at least 10 characters, letters and digits, not a common
password, not like the username or name. Django's validators with Chinese messages (its Chinese
catalogue lacks some), and the letters-and-digits rule of our own; AUTH_PASSWORD_VALIDATORS lists them.

Every form and command that sets a password a person chose runs them (Django's password forms,
`grant_role`); the demo's published accounts are set directly and are not held to the policy.
"""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符"


class LettersAndDigitsValidator:
    """A password holds at least one letter and at least one digit."""

    def validate(self, password: str, user: object = None) -> None:
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            raise ValidationError(self.get_error_message(), code="password_letters_and_digits")

    def get_error_message(self) -> str:
        return "密码必须同时包含字母和数字"

    def get_help_text(self) -> str:
        return "同时包含字母和数字"


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码太常见，容易被猜到，请换一个"

    def get_help_text(self) -> str:
        return "不能是常见密码"


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email")

    def __init__(self, user_attributes: tuple[str, ...] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes, max_similarity)

    def get_error_message(self) -> str:
        return "密码与%(verbose_name)s太相似，请换一个"

    def get_help_text(self) -> str:
        return "不能与用户名或姓名相似"


def password_problems(password: str, user: object = None) -> list[str]:
    """What is wrong with a new password, in Chinese; empty when it meets the policy."""
    try:
        django_validators.validate_password(password, user)
    except ValidationError as error:
        return [message for e in error.error_list for message in e.messages]
    return []
