//! The tables a query can read: the catalog's table schemas, with column types and the extra
//! tables and known column values of `tables.yaml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalog::Catalog;

#[derive(Debug, Deserialize)]
struct Facts {
    common: Common,
    tables: Vec<RawTable>,
    types: BTreeMap<String, BTreeMap<String, String>>,
    values: Vec<RawValues>,
}

#[derive(Debug, Deserialize)]
struct Common {
    #[allow(dead_code)]
    source: String,
    columns: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RawTable {
    name: String,
    #[allow(dead_code)]
    source: String,
    columns: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct RawValues {
    tables: Vec<String>,
    column: String,
    values: Vec<String>,
    source: String,
}

const FACTS: &str = include_str!("tables.yaml");

/// One queryable table: its columns with their Log Analytics types.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSchema {
    pub name: String,
    pub columns: Vec<(String, String)>,
}

/// The values a column of a table takes.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownValues {
    pub table: String,
    pub column: String,
    pub values: Vec<String>,
    pub source: String,
}

/// Everything the query checks look names up in.
#[derive(Debug, Clone, Default)]
pub struct Schemas {
    pub tables: Vec<TableSchema>,
    pub values: Vec<KnownValues>,
    /// Resource-log category names, which are not always table names.
    pub categories: Vec<String>,
}

impl Schemas {
    /// The catalog's tables, completed with `tables.yaml`.
    pub fn from_catalog(catalog: &Catalog) -> Schemas {
        let facts: Facts = serde_saphyr::from_str(FACTS).expect("tables.yaml is valid");
        let no_types = BTreeMap::new();
        let all = facts.types.get("*").unwrap_or(&no_types);
        let mut tables: Vec<TableSchema> = catalog
            .tables
            .iter()
            .map(|t| {
                let own = facts.types.get(&t.name).unwrap_or(&no_types);
                let mut columns: Vec<(String, String)> = t
                    .columns
                    .iter()
                    .map(|c| {
                        let ty = own
                            .get(&c.name)
                            .or_else(|| all.get(&c.name))
                            .or_else(|| facts.common.columns.get(&c.name))
                            .map_or("string", String::as_str);
                        (c.name.clone(), ty.to_string())
                    })
                    .collect();
                for (n, ty) in &facts.common.columns {
                    if !columns.iter().any(|(c, _)| c == n) {
                        columns.push((n.clone(), ty.clone()));
                    }
                }
                TableSchema {
                    name: t.name.clone(),
                    columns,
                }
            })
            .collect();
        for t in facts.tables {
            if tables.iter().any(|x| x.name == t.name) {
                continue;
            }
            let mut columns: Vec<(String, String)> = t.columns.into_iter().collect();
            for (n, ty) in &facts.common.columns {
                if !columns.iter().any(|(c, _)| c == n) {
                    columns.push((n.clone(), ty.clone()));
                }
            }
            tables.push(TableSchema {
                name: t.name,
                columns,
            });
        }
        let mut values = Vec::new();
        for v in facts.values {
            for t in &tables {
                let applies = v.tables.iter().any(|n| n == "*" || *n == t.name);
                if applies && t.columns.iter().any(|(c, _)| *c == v.column) {
                    values.push(KnownValues {
                        table: t.name.clone(),
                        column: v.column.clone(),
                        values: v.values.clone(),
                        source: v.source.clone(),
                    });
                }
            }
        }
        Schemas {
            tables,
            values,
            categories: catalog.categories.iter().map(|c| c.name.clone()).collect(),
        }
    }

    pub fn table(&self, name: &str) -> Option<&TableSchema> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn values(&self, table: &str, column: &str) -> Option<&KnownValues> {
        self.values
            .iter()
            .find(|v| v.table == table && v.column == column)
    }

    /// `let T = datatable(Col: type, …)[];` for every table: the prelude under which the
    /// reference analyser sees the same tables as these checks.
    pub fn prelude(&self) -> String {
        self.prelude_for(|_| true)
    }

    /// The prelude for the tables whose names occur in `query` only (faster to analyse).
    pub fn prelude_of(&self, query: &str) -> String {
        self.prelude_for(|t| query.contains(t))
    }

    fn prelude_for(&self, keep: impl Fn(&str) -> bool) -> String {
        let mut out = String::new();
        for t in self.tables.iter().filter(|t| keep(&t.name)) {
            let cols: Vec<String> = t
                .columns
                .iter()
                .map(|(c, ty)| format!("['{c}']: {ty}"))
                .collect();
            out.push_str(&format!(
                "let {} = datatable({})[];\n",
                t.name,
                cols.join(", ")
            ));
        }
        out
    }
}
