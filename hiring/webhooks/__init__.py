"""Signed webhooks from the outbox, per the Standard Webhooks specification.

`targets` decides where Criba may connect, `secrets` keeps the signing secrets,
`delivery` signs and posts one attempt, `relay` fans outbox rows out into
deliveries and claims the due ones, `services` is what people and the API call.
"""
