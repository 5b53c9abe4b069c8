//! ItemBatcher: a Distributed Map's items grouped into batches, each one child execution's
//! input, `{"Items": [...], "BatchInput": ...}`: at most MaxItemsPerBatch items and
//! MaxInputBytesPerBatch bytes (each also from a path or, in JSONata, an expression).

use serde_json::{json, Value};

use super::super::{payload_size, At, Engine, Failure};
use crate::syntax::{Node, NodePtr};

impl<'t> Engine<'t> {
    /// ItemBatcher: children receive `{"Items": [...], "BatchInput": ...}`, at most
    /// MaxItemsPerBatch items and MaxInputBytesPerBatch bytes each.
    pub(in super::super) fn batches(
        &mut self,
        batcher: Node<'t>,
        items: Vec<Value>,
        input: &Value,
        jsonata: bool,
        at: &At,
    ) -> Result<Vec<Value>, Failure> {
        let limit = |engine: &mut Self, field: &str| -> Result<Option<i64>, Failure> {
            let path_field = format!("{field}Path");
            let node = batcher.get(field).or_else(|| batcher.get(&path_field));
            engine.map_setting(
                field,
                node.map(NodePtr::new),
                input,
                &format!("{field} must be positive."),
                at,
            )
        };
        let max_items = limit(self, "MaxItemsPerBatch")?
            .filter(|n| *n > 0)
            .map_or(usize::MAX, |n| n as usize);
        let max_bytes = limit(self, "MaxInputBytesPerBatch")?
            .filter(|n| *n > 0)
            .map_or(usize::MAX, |n| n as usize);
        let batch_input = match batcher.get("BatchInput") {
            Some(node) if jsonata => {
                let states = self.states_value(input, None, None);
                Some(self.jsonata_template(node, &states, "BatchInput", at)?)
            }
            Some(node) => Some(self.template(node, input, &self.context, at)?),
            None => None,
        };
        let mut groups = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        let mut bytes = 0;
        for item in items {
            let size = payload_size(&item) + 1;
            if !current.is_empty() && (current.len() == max_items || bytes + size > max_bytes) {
                groups.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            groups.push(current);
        }
        Ok(groups
            .into_iter()
            .map(|items| {
                let mut batch = json!({"Items": items});
                if let Some(b) = &batch_input {
                    batch["BatchInput"] = b.clone();
                }
                batch
            })
            .collect())
    }
}
