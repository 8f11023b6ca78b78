"""The fraud model the scorer serves by default: features, inference and its offline training.

The model is a logistic regression over a handful of transaction features,
trained by :mod:`app.fraud.train` on generated data with a fixed seed; its
parameters are the versioned file ``model-v1.json`` next to this module.
"""
