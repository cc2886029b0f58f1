"""SQL storage. The models of every area are imported here, so that `Base.metadata` (the
migrations, moving a partnership, a person's data) knows every table."""

from storage import models_web as models_web
