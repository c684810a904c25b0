from . import expiry_deadline, res_config_settings
