"""Import a script from examples/ as a module (the package's own helper, shared with the demo)."""
from tinygrad_edu.demo import load_example as load

__all__ = ["load"]
