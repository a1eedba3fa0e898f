"""The pure core of todo-chat: entities, value objects, invariants. Standard library only."""
