namespace LlamaOrch.Core.Tasks;

public enum Workload { Completion, Embedding, Rerank }

public enum EngineKind { LlamaCpp, Vllm, Tgi, Triton }

public enum Priority { Interactive, Batch }

public enum Determinism { BestEffort, Strict }

public enum KvHint { Reuse, Cold }

public enum PlacementMode { Auto, Pin, Prefer }
