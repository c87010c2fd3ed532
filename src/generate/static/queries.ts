import type { ParsedLanguage } from './languages.ts'

/**
 * What we add to each grammar's own tags.scm, run in the same query:
 *  - definitions and references it leaves out (type aliases, enums, top-level
 *    constants, imported names: an import is the strongest reference a repo
 *    map can have), captured as `@name` with `@definition.KIND` / `@reference.KIND`;
 *  - `@import`: the module each import names;
 *  - `@branch`: the nodes that add a path through the code (complexity hints).
 */

const JS_COMMON = `
(export_statement (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.constant)
(program (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.constant)
(export_statement (export_clause (export_specifier name: (_) @name) @definition.export))
(import_specifier name: (identifier) @name) @reference.import
(import_clause (identifier) @name) @reference.import
(import_statement source: (string (string_fragment) @import))
(export_statement source: (string (string_fragment) @import))
(call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @import)) (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import)))
[(if_statement) (for_statement) (for_in_statement) (while_statement) (do_statement) (switch_case) (catch_clause) (ternary_expression)] @branch
`

const TS_EXTRA = `
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(generic_type name: (type_identifier) @name) @reference.type
(extends_clause value: (identifier) @name) @reference.class
(implements_clause (type_identifier) @name) @reference.interface
(extends_type_clause type: (type_identifier) @name) @reference.interface
`

export const EXTRA_QUERIES: Readonly<Record<ParsedLanguage, string>> = {
  typescript: JS_COMMON + TS_EXTRA,
  tsx: JS_COMMON + TS_EXTRA,
  javascript: JS_COMMON + `
(class_heritage (identifier) @name) @reference.class
`,
  python: `
(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import))
(import_from_statement module_name: (dotted_name) @import)
(import_from_statement module_name: (relative_import) @import)
(import_from_statement name: (dotted_name (identifier) @name) @reference.import)
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @name)) @reference.import)
(class_definition superclasses: (argument_list (identifier) @name) @reference.class)
[(if_statement) (elif_clause) (for_statement) (while_statement) (except_clause) (conditional_expression) (case_clause)] @branch
`,
  go: `
(package_clause (package_identifier) @name) @definition.package
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(import_spec path: (interpreted_string_literal) @import)
(selector_expression field: (field_identifier) @name) @reference.field
(qualified_type name: (type_identifier) @name) @reference.type
[(if_statement) (for_statement) (expression_case) (type_case) (communication_case)] @branch
`,
  rust: `
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(use_declaration argument: (_) @import)
(extern_crate_declaration name: (identifier) @import)
(use_declaration argument: (scoped_identifier name: (identifier) @name) @reference.import)
(use_list (identifier) @name @reference.import)
(use_list (scoped_identifier name: (identifier) @name) @reference.import)
(type_identifier) @name @reference.type
(scoped_identifier name: (identifier) @name) @reference.call
[(if_expression) (for_expression) (while_expression) (loop_expression) (match_arm)] @branch
`,
  bash: `
(function_definition name: (word) @name) @definition.function
(program (variable_assignment name: (variable_name) @name) @definition.variable)
(program (declaration_command (variable_assignment name: (variable_name) @name)) @definition.variable)
(command name: (command_name (word) @name)) @reference.call
(command name: (command_name (word) @_source) argument: (_) @import (#match? @_source "^(source|\\\\.)$"))
[(if_statement) (elif_clause) (for_statement) (c_style_for_statement) (while_statement) (case_item)] @branch
`
}
