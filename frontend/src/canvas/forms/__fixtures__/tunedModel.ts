// A model's parameter schema as the node catalog serves it (GET /api/v1/nodes, `params_schema`),
// with its tunable parameters (`x-search-space`), `run_mode` and `tuning_config`.
import type { JsonSchema } from "../schema";

export const randomForestSchema: JsonSchema = {
  "additionalProperties": false,
  "properties": {
    "n_estimators": {
      "default": 50,
      "maximum": 5000,
      "minimum": 1,
      "title": "N Estimators",
      "type": "integer",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          50,
          100,
          200
        ],
        "random": {
          "type": "int",
          "low": 50,
          "high": 500,
          "log": false
        },
        "optuna": {
          "type": "int",
          "low": 50,
          "high": 500,
          "log": false
        }
      }
    },
    "max_depth": {
      "anyOf": [
        {
          "maximum": 1000,
          "minimum": 1,
          "type": "integer"
        },
        {
          "type": "null"
        }
      ],
      "default": 10,
      "title": "Max Depth",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          3,
          6,
          10
        ],
        "random": {
          "type": "int",
          "low": 2,
          "high": 32,
          "log": false
        },
        "optuna": {
          "type": "int",
          "low": 2,
          "high": 32,
          "log": false
        }
      }
    },
    "min_samples_split": {
      "default": 5,
      "maximum": 1000000000,
      "minimum": 2,
      "title": "Min Samples Split",
      "type": "integer",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          2,
          5,
          10
        ],
        "random": {
          "type": "int",
          "low": 2,
          "high": 20,
          "log": false
        },
        "optuna": {
          "type": "int",
          "low": 2,
          "high": 20,
          "log": false
        }
      }
    },
    "min_samples_leaf": {
      "default": 2,
      "maximum": 1000000000,
      "minimum": 1,
      "title": "Min Samples Leaf",
      "type": "integer",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          1,
          2,
          4
        ],
        "random": {
          "type": "int",
          "low": 1,
          "high": 10,
          "log": false
        },
        "optuna": {
          "type": "int",
          "low": 1,
          "high": 10,
          "log": false
        }
      }
    },
    "max_features": {
      "anyOf": [
        {
          "enum": [
            "sqrt",
            "log2"
          ],
          "type": "string"
        },
        {
          "type": "number"
        },
        {
          "type": "null"
        }
      ],
      "default": "sqrt",
      "title": "Max Features",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          "sqrt",
          "log2"
        ],
        "random": {
          "type": "categorical",
          "choices": [
            "sqrt",
            "log2"
          ]
        },
        "optuna": {
          "type": "categorical",
          "choices": [
            "sqrt",
            "log2"
          ]
        }
      }
    },
    "criterion": {
      "default": "gini",
      "enum": [
        "gini",
        "entropy",
        "log_loss"
      ],
      "title": "Criterion",
      "type": "string",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          "gini",
          "entropy"
        ],
        "random": {
          "type": "categorical",
          "choices": [
            "gini",
            "entropy"
          ]
        },
        "optuna": {
          "type": "categorical",
          "choices": [
            "gini",
            "entropy"
          ]
        }
      }
    },
    "class_weight": {
      "anyOf": [
        {
          "enum": [
            "balanced",
            "balanced_subsample"
          ],
          "type": "string"
        },
        {
          "type": "null"
        }
      ],
      "default": null,
      "title": "Class Weight",
      "x-tunable": true,
      "x-search-space": {
        "grid": [
          null,
          "balanced"
        ],
        "random": {
          "type": "categorical",
          "choices": [
            null,
            "balanced"
          ]
        },
        "optuna": {
          "type": "categorical",
          "choices": [
            null,
            "balanced"
          ]
        }
      }
    },
    "random_state": {
      "anyOf": [
        {
          "maximum": 4294967295,
          "minimum": 0,
          "type": "integer"
        },
        {
          "type": "null"
        }
      ],
      "default": 42,
      "title": "Random State"
    },
    "cv_enabled": {
      "default": false,
      "title": "Cv Enabled",
      "type": "boolean",
      "x-group": "training"
    },
    "cv_folds": {
      "default": 5,
      "maximum": 20,
      "minimum": 2,
      "title": "Cv Folds",
      "type": "integer",
      "x-group": "training"
    },
    "cv_type": {
      "default": "k_fold",
      "enum": [
        "k_fold",
        "stratified_k_fold",
        "time_series_split",
        "shuffle_split",
        "nested_cv"
      ],
      "title": "Cv Type",
      "type": "string",
      "x-group": "training"
    },
    "cv_shuffle": {
      "default": true,
      "title": "Cv Shuffle",
      "type": "boolean",
      "x-group": "training"
    },
    "cv_random_state": {
      "anyOf": [
        {
          "maximum": 4294967295,
          "minimum": 0,
          "type": "integer"
        },
        {
          "type": "null"
        }
      ],
      "default": 42,
      "title": "Cv Random State",
      "x-group": "training"
    },
    "cv_time_column": {
      "anyOf": [
        {
          "type": "string"
        },
        {
          "type": "null"
        }
      ],
      "default": null,
      "description": "time_series_split: the column that orders the rows (else row order)",
      "title": "Cv Time Column",
      "x-group": "training"
    },
    "run_mode": {
      "default": "fixed",
      "enum": [
        "fixed",
        "tuned"
      ],
      "title": "Run Mode",
      "type": "string",
      "x-group": "training"
    },
    "tuning_config": {
      "anyOf": [
        {
          "$ref": "#/$defs/TuningConfig"
        },
        {
          "type": "null"
        }
      ],
      "default": null,
      "x-group": "training",
      "x-metrics": {
        "accuracy": "maximize",
        "balanced_accuracy": "maximize",
        "precision": "maximize",
        "recall": "maximize",
        "f1": "maximize",
        "precision_weighted": "maximize",
        "recall_weighted": "maximize",
        "f1_weighted": "maximize",
        "matthews_corrcoef": "maximize",
        "g_score": "maximize",
        "roc_auc": "maximize",
        "pr_auc": "maximize",
        "pr_auc_weighted": "maximize",
        "roc_auc_ovr": "maximize",
        "roc_auc_ovr_weighted": "maximize",
        "roc_auc_ovo": "maximize",
        "roc_auc_ovo_weighted": "maximize",
        "log_loss": "minimize"
      },
      "x-default-metric": "accuracy"
    }
  },
  "title": "RandomForestClassifierParams",
  "type": "object",
  "x-task": "classification",
  "$defs": {
    "SearchSpec": {
      "additionalProperties": false,
      "description": "One parameter's range: ``int``/``float`` with ``low``/``high`` (``log``, ``step``), or\n``categorical`` with ``choices``.",
      "properties": {
        "type": {
          "enum": [
            "int",
            "float",
            "categorical"
          ],
          "title": "Type",
          "type": "string"
        },
        "low": {
          "anyOf": [
            {
              "type": "number"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "title": "Low"
        },
        "high": {
          "anyOf": [
            {
              "type": "number"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "title": "High"
        },
        "log": {
          "default": false,
          "title": "Log",
          "type": "boolean"
        },
        "step": {
          "anyOf": [
            {
              "exclusiveMinimum": 0,
              "type": "number"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "title": "Step"
        },
        "choices": {
          "anyOf": [
            {
              "items": {},
              "type": "array"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "title": "Choices"
        }
      },
      "required": [
        "type"
      ],
      "title": "SearchSpec",
      "type": "object"
    },
    "StrategyParams": {
      "additionalProperties": false,
      "properties": {
        "sampler": {
          "default": "tpe",
          "enum": [
            "tpe",
            "random"
          ],
          "title": "Sampler",
          "type": "string"
        },
        "pruner": {
          "default": "none",
          "enum": [
            "none",
            "median",
            "hyperband"
          ],
          "title": "Pruner",
          "type": "string"
        },
        "seed": {
          "anyOf": [
            {
              "maximum": 4294967295,
              "minimum": 0,
              "type": "integer"
            },
            {
              "type": "null"
            }
          ],
          "default": 42,
          "title": "Seed"
        },
        "reduction_factor": {
          "default": 3,
          "maximum": 10,
          "minimum": 2,
          "title": "Reduction Factor",
          "type": "integer"
        },
        "n_startup_trials": {
          "default": 5,
          "maximum": 1000,
          "minimum": 0,
          "title": "N Startup Trials",
          "type": "integer"
        }
      },
      "title": "StrategyParams",
      "type": "object"
    },
    "TuningConfig": {
      "additionalProperties": false,
      "description": "How a ``run_mode: \"tuned\"`` model node searches its hyperparameters.",
      "properties": {
        "strategy": {
          "default": "optuna",
          "enum": [
            "grid",
            "random",
            "halving_grid",
            "halving_random",
            "optuna"
          ],
          "title": "Strategy",
          "type": "string"
        },
        "metric": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "the metric to optimise; default accuracy, r2 or silhouette by task",
          "title": "Metric"
        },
        "n_trials": {
          "default": 20,
          "maximum": 10000,
          "minimum": 1,
          "title": "N Trials",
          "type": "integer"
        },
        "timeout": {
          "anyOf": [
            {
              "exclusiveMinimum": 0,
              "type": "number"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "seconds; the search stops after it",
          "title": "Timeout"
        },
        "search_space": {
          "additionalProperties": {
            "$ref": "#/$defs/SearchSpec"
          },
          "description": "overrides the model's default search space",
          "title": "Search Space",
          "type": "object"
        },
        "strategy_params": {
          "$ref": "#/$defs/StrategyParams"
        },
        "cv_enabled": {
          "default": true,
          "title": "Cv Enabled",
          "type": "boolean"
        },
        "cv_folds": {
          "default": 3,
          "maximum": 20,
          "minimum": 2,
          "title": "Cv Folds",
          "type": "integer"
        },
        "cv_type": {
          "default": "k_fold",
          "enum": [
            "k_fold",
            "stratified_k_fold",
            "time_series_split",
            "shuffle_split",
            "nested_cv"
          ],
          "title": "Cv Type",
          "type": "string"
        },
        "cv_shuffle": {
          "default": true,
          "title": "Cv Shuffle",
          "type": "boolean"
        },
        "cv_random_state": {
          "anyOf": [
            {
              "maximum": 4294967295,
              "minimum": 0,
              "type": "integer"
            },
            {
              "type": "null"
            }
          ],
          "default": 42,
          "title": "Cv Random State"
        }
      },
      "title": "TuningConfig",
      "type": "object"
    }
  }
};
