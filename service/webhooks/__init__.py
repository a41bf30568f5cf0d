"""Webhooks: endpoints the CDO office registers, the outbox, signed delivery with retries."""
