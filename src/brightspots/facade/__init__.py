"""The parts `Project` is made of, one per job, so that the facade stays readable.

Each part is a mixin over `ProjectPart` (the project's store, embedder and the checks every
part shares); `project.Project` combines them. Front ends still see one `Project`."""
