// MetaLearning module: contents arrive with the first commits that use it.
