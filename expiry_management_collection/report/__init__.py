from . import expiry_collection_report
