export { SchemaForm, type SchemaFormProps } from "./SchemaForm";
export { ColumnPicker, type ColumnInfo, type ColumnFilter, type ColumnPickerProps } from "./ColumnPicker";
export { fieldSpec, namesColumns, type JsonSchema } from "./schema";
