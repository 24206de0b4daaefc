from skyulf_gateway.db.tables import Base
from skyulf_platform.db.migrations import run_env

run_env(Base.metadata)
