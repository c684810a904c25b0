from . import test_translations, test_winback
