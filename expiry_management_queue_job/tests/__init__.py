from . import test_queue_job_concurrency, test_queue_job_health, test_queue_job_pass
