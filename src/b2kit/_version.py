"""The version of b2kit, in a module of its own: any layer can name it without importing the package."""

__version__ = "0.1.0"
