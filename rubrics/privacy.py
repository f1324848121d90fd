# Migrations name the validator by this path; the guard itself lives in core.privacy.
from core.privacy import validate_no_personal_data  # noqa: F401
