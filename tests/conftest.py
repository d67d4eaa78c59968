import sys
from pathlib import Path

# tests/helpers.py is shared by the test modules (consistent reports, LibreOffice recalculation)
sys.path.insert(0, str(Path(__file__).parent))
