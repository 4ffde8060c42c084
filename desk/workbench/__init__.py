"""The officer's workbench: verification, data location, requests to the requester, masking."""
