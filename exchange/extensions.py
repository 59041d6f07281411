"""Flask extensions, created unbound and bound to the app in ``create_app``."""

from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from exchange.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# Storage is chosen in create_app: Redis where EXCHANGE_REDIS_URL is set, memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Redis where EXCHANGE_REDIS_URL is set (shared by every worker), each process's memory
# otherwise: the figures are the same in both, only how long they are kept differs.
cache = Cache()
