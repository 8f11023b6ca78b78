"""The fraud scorer function: the shipped model by default, Amazon Fraud Detector optionally."""
