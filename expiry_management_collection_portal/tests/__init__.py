from . import test_portal_collection
