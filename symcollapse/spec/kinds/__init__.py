"""Layer kinds, each described once (:class:`~symcollapse.spec.kinds.base.LayerKind`): its
word and grammar, its layer dataclass, its description, whether it is affine and why not, its
cost, and its ONNX and torch counterparts. ``layers``, ``fold`` and the documents all read
them from :mod:`symcollapse.spec.kinds.registry`, which also says how to add one."""
