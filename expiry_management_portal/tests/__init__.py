from . import (
    test_portal_access,
    test_portal_auto_renew,
    test_portal_company_settings,
    test_portal_form,
    test_portal_hardening,
    test_portal_mail_delivery,
    test_portal_payment_gate,
    test_portal_payment_webhook,
    test_portal_query_count,
    test_portal_reads,
    test_portal_renewal,
    test_portal_tour,
)
