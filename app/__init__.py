"""Multi-company Amazon Selling Partner API settings module."""
