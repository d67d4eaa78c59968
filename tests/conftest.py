import os
import sys
from pathlib import Path

# tests/helpers.py is shared by the test modules (consistent reports, LibreOffice recalculation)
sys.path.insert(0, str(Path(__file__).parent))

# xlwings' remote engine (xw.Book(json=...)) is PolyForm Noncommercial, which a government
# office's own use satisfies; xlwings reads the key when first imported, so it is set here, for
# the tests only, before any test module imports xlwings.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
