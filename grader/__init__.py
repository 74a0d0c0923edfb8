"""Autograder for the d2l chapter "Convolutions for Images" (and "From Fully Connected Layers to Convolutions")."""

__version__ = "0.1.0"
