from skyulf_platform.db.migrations import run_env
from skyulf_registry.db.tables import Base

run_env(Base.metadata)
