from . import models, report, wizards
from .hooks import pre_init_hook, uninstall_hook
