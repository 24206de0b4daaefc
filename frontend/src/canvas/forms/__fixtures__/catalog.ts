// Parameter schemas copied from the node catalog (GET /api/v1/nodes, `params_schema`), as pydantic
// generates them, so the form tests run against the real shapes.
import type { JsonSchema } from "../schema";

export const catalogSchemas: Record<string, JsonSchema> = {
  "GeneralBinning": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "strategy": {
        "default": "equal_width",
        "enum": [
          "equal_width",
          "equal_frequency",
          "kmeans",
          "custom",
          "kbins"
        ],
        "title": "Strategy",
        "type": "string"
      },
      "n_bins": {
        "default": 5,
        "maximum": 10000,
        "minimum": 2,
        "title": "N Bins",
        "type": "integer"
      },
      "kbins_strategy": {
        "default": "quantile",
        "enum": [
          "uniform",
          "quantile",
          "kmeans"
        ],
        "title": "Kbins Strategy",
        "type": "string"
      },
      "quantile_method": {
        "default": "averaged_inverted_cdf",
        "enum": [
          "averaged_inverted_cdf",
          "inverted_cdf",
          "closest_observation",
          "interpolated_inverted_cdf",
          "hazen",
          "weibull",
          "linear",
          "median_unbiased",
          "normal_unbiased"
        ],
        "title": "Quantile Method",
        "type": "string"
      },
      "label_format": {
        "default": "ordinal",
        "enum": [
          "ordinal",
          "range",
          "bin_index"
        ],
        "title": "Label Format",
        "type": "string"
      },
      "output_suffix": {
        "default": "_binned",
        "title": "Output Suffix",
        "type": "string"
      },
      "drop_original": {
        "default": false,
        "title": "Drop Original",
        "type": "boolean"
      },
      "custom_bins": {
        "additionalProperties": {
          "items": {
            "type": "number"
          },
          "type": "array"
        },
        "default": {},
        "title": "Custom Bins",
        "type": "object"
      },
      "custom_labels": {
        "additionalProperties": {
          "items": {
            "type": "string"
          },
          "type": "array"
        },
        "default": {},
        "title": "Custom Labels",
        "type": "object"
      }
    },
    "title": "GeneralBinningParams",
    "type": "object"
  },
  "OneHotEncoder": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "handle_unknown": {
        "default": "ignore",
        "enum": [
          "ignore",
          "error"
        ],
        "title": "Handle Unknown",
        "type": "string"
      },
      "drop_first": {
        "default": false,
        "title": "Drop First",
        "type": "boolean"
      },
      "max_categories": {
        "anyOf": [
          {
            "maximum": 10000,
            "minimum": 1,
            "type": "integer"
          },
          {
            "type": "null"
          }
        ],
        "default": 20,
        "description": "null = no limit; a number is at most 10000",
        "title": "Max Categories"
      },
      "include_missing": {
        "default": false,
        "title": "Include Missing",
        "type": "boolean"
      },
      "drop_original": {
        "default": true,
        "title": "Drop Original",
        "type": "boolean"
      },
      "prefix_separator": {
        "default": "_",
        "title": "Prefix Separator",
        "type": "string"
      }
    },
    "title": "OneHotEncoderParams",
    "type": "object"
  },
  "TrainTestSplitter": {
    "additionalProperties": false,
    "properties": {
      "test_size": {
        "default": 0.2,
        "exclusiveMaximum": 1.0,
        "exclusiveMinimum": 0.0,
        "title": "Test Size",
        "type": "number"
      },
      "validation_size": {
        "default": 0.0,
        "exclusiveMaximum": 1.0,
        "minimum": 0.0,
        "title": "Validation Size",
        "type": "number"
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
      "shuffle": {
        "default": true,
        "title": "Shuffle",
        "type": "boolean"
      },
      "stratify": {
        "default": false,
        "title": "Stratify",
        "type": "boolean"
      },
      "target_column": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Target Column"
      }
    },
    "title": "TrainTestSplitterParams",
    "type": "object"
  },
  "FeatureGeneration": {
    "$defs": {
      "Operation": {
        "additionalProperties": false,
        "properties": {
          "operation_type": {
            "default": "arithmetic",
            "enum": [
              "arithmetic",
              "ratio",
              "similarity",
              "datetime_extract",
              "group_agg"
            ],
            "title": "Operation Type",
            "type": "string"
          },
          "method": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "default": null,
            "title": "Method"
          },
          "input_columns": {
            "default": [],
            "items": {
              "type": "string"
            },
            "title": "Input Columns",
            "type": "array"
          },
          "secondary_columns": {
            "default": [],
            "items": {
              "type": "string"
            },
            "title": "Secondary Columns",
            "type": "array"
          },
          "constants": {
            "default": [],
            "items": {
              "type": "number"
            },
            "title": "Constants",
            "type": "array"
          },
          "output_column": {
            "anyOf": [
              {
                "type": "string"
              },
              {
                "type": "null"
              }
            ],
            "default": null,
            "title": "Output Column"
          },
          "fillna": {
            "anyOf": [
              {
                "type": "number"
              },
              {
                "type": "null"
              }
            ],
            "default": null,
            "title": "Fillna"
          },
          "datetime_features": {
            "default": [],
            "items": {
              "enum": [
                "year",
                "quarter",
                "month",
                "month_name",
                "week",
                "day",
                "day_name",
                "weekday",
                "is_weekend",
                "hour",
                "minute",
                "second",
                "season",
                "time_of_day"
              ],
              "type": "string"
            },
            "title": "Datetime Features",
            "type": "array"
          }
        },
        "title": "Operation",
        "type": "object"
      }
    },
    "additionalProperties": false,
    "properties": {
      "operations": {
        "default": [],
        "items": {
          "$ref": "#/$defs/Operation"
        },
        "title": "Operations",
        "type": "array"
      }
    },
    "title": "FeatureGenerationParams",
    "type": "object"
  },
  "TextCleaning": {
    "$defs": {
      "CaseOp": {
        "additionalProperties": false,
        "properties": {
          "op": {
            "const": "case",
            "title": "Op",
            "type": "string"
          },
          "mode": {
            "default": "lower",
            "enum": [
              "lower",
              "upper",
              "title",
              "sentence"
            ],
            "title": "Mode",
            "type": "string"
          }
        },
        "required": [
          "op"
        ],
        "title": "CaseOp",
        "type": "object"
      },
      "RegexOp": {
        "additionalProperties": false,
        "description": "``extract_digits`` keeps the first run of digits (no digits = missing);\n``normalize_slash_dates`` rewrites m/d/yyyy (d/m/yyyy with ``day_first``) as yyyy-mm-dd, a\ntwo-digit year 00-68 meaning 20xx and 69-99 19xx (as strptime's %y); impossible dates stay.",
        "properties": {
          "op": {
            "const": "regex",
            "title": "Op",
            "type": "string"
          },
          "mode": {
            "default": "collapse_whitespace",
            "enum": [
              "custom",
              "collapse_whitespace",
              "extract_digits",
              "normalize_slash_dates"
            ],
            "title": "Mode",
            "type": "string"
          },
          "pattern": {
            "default": "",
            "title": "Pattern",
            "type": "string"
          },
          "replacement": {
            "default": "",
            "title": "Replacement",
            "type": "string"
          },
          "day_first": {
            "default": false,
            "title": "Day First",
            "type": "boolean"
          }
        },
        "required": [
          "op"
        ],
        "title": "RegexOp",
        "type": "object"
      },
      "RemoveSpecialOp": {
        "additionalProperties": false,
        "properties": {
          "op": {
            "const": "remove_special",
            "title": "Op",
            "type": "string"
          },
          "mode": {
            "default": "keep_alphanumeric_space",
            "enum": [
              "keep_alphanumeric",
              "keep_alphanumeric_space",
              "letters_only",
              "digits_only"
            ],
            "title": "Mode",
            "type": "string"
          },
          "replacement": {
            "default": "",
            "title": "Replacement",
            "type": "string"
          }
        },
        "required": [
          "op"
        ],
        "title": "RemoveSpecialOp",
        "type": "object"
      },
      "TrimOp": {
        "additionalProperties": false,
        "properties": {
          "op": {
            "const": "trim",
            "title": "Op",
            "type": "string"
          },
          "mode": {
            "default": "both",
            "enum": [
              "both",
              "leading",
              "trailing"
            ],
            "title": "Mode",
            "type": "string"
          }
        },
        "required": [
          "op"
        ],
        "title": "TrimOp",
        "type": "object"
      }
    },
    "additionalProperties": false,
    "description": "Text columns only; ``operations`` run in order (default: trim both ends).",
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "operations": {
        "items": {
          "discriminator": {
            "mapping": {
              "case": "#/$defs/CaseOp",
              "regex": "#/$defs/RegexOp",
              "remove_special": "#/$defs/RemoveSpecialOp",
              "trim": "#/$defs/TrimOp"
            },
            "propertyName": "op"
          },
          "oneOf": [
            {
              "$ref": "#/$defs/TrimOp"
            },
            {
              "$ref": "#/$defs/CaseOp"
            },
            {
              "$ref": "#/$defs/RemoveSpecialOp"
            },
            {
              "$ref": "#/$defs/RegexOp"
            }
          ]
        },
        "title": "Operations",
        "type": "array"
      }
    },
    "title": "TextCleaningParams",
    "type": "object"
  },
  "MinMaxScaler": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "feature_range": {
        "default": [
          0.0,
          1.0
        ],
        "maxItems": 2,
        "minItems": 2,
        "prefixItems": [
          {
            "type": "number"
          },
          {
            "type": "number"
          }
        ],
        "title": "Feature Range",
        "type": "array"
      }
    },
    "title": "MinMaxScalerParams",
    "type": "object"
  },
  "GeoDistance": {
    "additionalProperties": false,
    "properties": {
      "lat1": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Lat1"
      },
      "lon1": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Lon1"
      },
      "lat2": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Lat2"
      },
      "lon2": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Lon2"
      },
      "ref_lat": {
        "anyOf": [
          {
            "type": "number"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Ref Lat"
      },
      "ref_lon": {
        "anyOf": [
          {
            "type": "number"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Ref Lon"
      },
      "method": {
        "default": "haversine",
        "enum": [
          "haversine",
          "euclidean"
        ],
        "title": "Method",
        "type": "string"
      },
      "unit": {
        "default": "km",
        "enum": [
          "km",
          "mi"
        ],
        "title": "Unit",
        "type": "string"
      },
      "output_column": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Output Column"
      }
    },
    "title": "GeoDistanceParams",
    "type": "object"
  },
  "random_forest_classifier": {
    "additionalProperties": false,
    "properties": {
      "n_estimators": {
        "default": 50,
        "maximum": 5000,
        "minimum": 1,
        "title": "N Estimators",
        "type": "integer"
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
        "title": "Max Depth"
      },
      "min_samples_split": {
        "default": 5,
        "maximum": 1000000000,
        "minimum": 2,
        "title": "Min Samples Split",
        "type": "integer"
      },
      "min_samples_leaf": {
        "default": 2,
        "maximum": 1000000000,
        "minimum": 1,
        "title": "Min Samples Leaf",
        "type": "integer"
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
        "title": "Max Features"
      },
      "criterion": {
        "default": "gini",
        "enum": [
          "gini",
          "entropy",
          "log_loss"
        ],
        "title": "Criterion",
        "type": "string"
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
        "title": "Class Weight"
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
      }
    },
    "title": "RandomForestClassifierParams",
    "type": "object"
  },
  "DateFeatures": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "features": {
        "default": [
          "year",
          "month",
          "day",
          "dayofweek"
        ],
        "items": {
          "enum": [
            "year",
            "month",
            "day",
            "dayofweek",
            "dayofyear",
            "quarter",
            "weekofyear",
            "hour",
            "minute",
            "is_weekend",
            "is_month_start",
            "is_month_end"
          ],
          "type": "string"
        },
        "minItems": 1,
        "title": "Features",
        "type": "array"
      },
      "drop_original": {
        "default": false,
        "title": "Drop Original",
        "type": "boolean"
      }
    },
    "title": "DateFeaturesParams",
    "type": "object"
  },
  "GeneralTransformation": {
    "$defs": {
      "TransformationRule": {
        "additionalProperties": false,
        "properties": {
          "column": {
            "title": "Column",
            "type": "string"
          },
          "method": {
            "enum": [
              "log",
              "square_root",
              "cube_root",
              "reciprocal",
              "square",
              "exponential",
              "box_cox",
              "yeo_johnson",
              "sqrt",
              "exp"
            ],
            "title": "Method",
            "type": "string"
          }
        },
        "required": [
          "column",
          "method"
        ],
        "title": "TransformationRule",
        "type": "object"
      }
    },
    "additionalProperties": false,
    "properties": {
      "transformations": {
        "default": [],
        "items": {
          "$ref": "#/$defs/TransformationRule"
        },
        "title": "Transformations",
        "type": "array"
      }
    },
    "title": "GeneralTransformationParams",
    "type": "object"
  },
  "StandardScaler": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "with_mean": {
        "default": true,
        "title": "With Mean",
        "type": "boolean"
      },
      "with_std": {
        "default": true,
        "title": "With Std",
        "type": "boolean"
      }
    },
    "title": "StandardScalerParams",
    "type": "object"
  },
  "SimpleImputer": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "strategy": {
        "default": "mean",
        "enum": [
          "mean",
          "median",
          "most_frequent",
          "constant"
        ],
        "title": "Strategy",
        "type": "string"
      },
      "fill_value": {
        "anyOf": [
          {
            "type": "string"
          },
          {
            "type": "integer"
          },
          {
            "type": "number"
          },
          {
            "type": "boolean"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Fill Value"
      }
    },
    "title": "SimpleImputerParams",
    "type": "object"
  },
  "TargetEncoder": {
    "additionalProperties": false,
    "properties": {
      "columns": {
        "anyOf": [
          {
            "items": {
              "type": "string"
            },
            "type": "array"
          },
          {
            "type": "null"
          }
        ],
        "default": null,
        "title": "Columns"
      },
      "smooth": {
        "anyOf": [
          {
            "const": "auto",
            "type": "string"
          },
          {
            "minimum": 0.0,
            "type": "number"
          }
        ],
        "default": "auto",
        "title": "Smooth"
      },
      "target_type": {
        "default": "auto",
        "enum": [
          "auto",
          "continuous",
          "binary",
          "multiclass"
        ],
        "title": "Target Type",
        "type": "string"
      },
      "cv": {
        "default": 5,
        "description": "cross-fitting folds (at most 20)",
        "maximum": 20,
        "minimum": 2,
        "title": "Cv",
        "type": "integer"
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
      }
    },
    "title": "TargetEncoderParams",
    "type": "object"
  }
};
