"""A request in the person's own voice ("I need to drive a nail into this board") asks for a thing, not a hold.

Pay reads the goals of a request through MiniLM vectors; for a need phrased in words its training never
had, it can prefer "pick up the hammer and hold it" to "bring the hammer to the user", and the plan ends
with the hammer in the robot's hand. The task generator never pairs a goal of holding with a request in
the first person: every holding request tells the robot to hold ("grab the hammer", "I want you to pick up
the hammer"). `saycan.pay.train.infer_goals` keeps to that: a request said in the first person with no
holding verb has its holding goals lowered.
"""

from __future__ import annotations

import re

# Words before the person speaks of themselves that do not address the robot: "robot, I need ...", "ugh, I'm ...".
_LEAD = r"^(?:(?:robot|ugh|hey|oh|well|ok|okay|so|hmm|please)\b[\s,.!]*)*"
FIRST_PERSON = re.compile(_LEAD + r"(?:i|i'm|im|i am|i'd|i've|i'll|we|we're|we'd|we've|my|our)\b")
# The holding phrases of `saycan/tasks/phrases.yaml` (``hold:``): any of them asks the robot to hold.
HOLDING = re.compile(r"\b(?:hold|holding|grab|grasp|clutch|lift|keep|pick(?:\s+\S+)*?\s+up|hang on)\b")


def own_need(request: str) -> bool:
    """Whether ``request`` is the person speaking of themselves without asking the robot to hold anything.

    >>> own_need("I need to drive a nail into this board"), own_need("I want you to hold the hammer")
    (True, False)
    """
    text = request.strip().lower()
    return bool(FIRST_PERSON.match(text)) and not HOLDING.search(text)
