import os
import sys
from pathlib import Path

from hypothesis import settings

# tests/helpers.py is shared by the test modules (consistent reports, LibreOffice recalculation)
sys.path.insert(0, str(Path(__file__).parent))

# xlwings' remote engine (xw.Book(json=...)) is PolyForm Noncommercial, which a government
# office's own use satisfies; xlwings reads the key when first imported, so it is set here, for
# the tests only, before any test module imports xlwings.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

# Hypothesis: few examples on a developer's run, each property test's full count in CI (.ci/run
# sets HYPOTHESIS_PROFILE=ci).  A test asks for its CI count through helpers.examples(n), which
# the profile caps; a test that names no count gets the profile's.
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
