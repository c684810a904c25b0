from . import (
    test_collection_concurrency,
    test_collection_figures,
    test_collection_hand_over,
    test_collection_ladder,
    test_collection_pdf,
    test_collection_plan,
    test_collection_report,
    test_collection_rules,
    test_collection_security,
    test_collection_tour,
)
