from . import test_translations, test_winback, test_winback_company
