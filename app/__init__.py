"""Code that runs in AWS: Lambda handlers and the logic they share.

Nothing here imports the infrastructure package; the infrastructure only
packages this folder into archives.
"""
