"""saycan/pay/checkpoint.py: the shipped checkpoint, and what it was trained on."""

import json

from saycan.pay.checkpoint import SHIPPED
from saycan.tasks.suite_file import suite_requests
from saycan.text import DEFAULT_THRESHOLD


def test_the_shipped_checkpoint_was_trained_on_no_near_copy_of_a_suite_request(kitchen):
    # Every shipped suite is a hold-out for Pay, the user requests of suites/user_requests.yaml too:
    # a near-copy in training would make their figures a memory test.
    meta = json.loads(SHIPPED.with_suffix(".json").read_text())
    training = meta["training_requests"]
    copies = suite_requests(None, kitchen, DEFAULT_THRESHOLD)
    assert "I'm thirsty, bring me something that isn't soda" in copies.requests
    sims, index = copies.similarity(training)
    worst = int(sims.argmax())
    assert len(training) > 2000
    assert sims[worst] < DEFAULT_THRESHOLD, (training[worst], copies.requests[index[worst]])
