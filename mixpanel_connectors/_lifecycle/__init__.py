"""What Pulumi asks of a connector: the field declaration, input translation, exactly-once
creates, ownership and the wait for the first import. Internal: `provider.py` is the face."""
