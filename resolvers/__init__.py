"""The behaviour: async operations on a typed Context, dataloaders and permission rules.

Resolvers return models or plain data and raise the domain errors of `resolvers.errors`;
they never import `schema`.
"""
