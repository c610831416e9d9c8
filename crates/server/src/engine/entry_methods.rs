//! Entry methods of a giveaway: list, add, update, remove and reorder. Every management call is
//! scoped to the caller's giveaway, and a method of another giveaway is "not found", like a
//! method that does not exist.

use super::audit::{audit_event, changed_fields};
use super::{Engine, EngineError, EngineResult, Principal};
use fairdraw_core::entry_methods::catalog::{self, EntryMethodType};
use fairdraw_core::entry_methods::{EntryMethodConfig, EntryMethodInput, EntryMethodSpec, ReorderInput, USER_DETAILS};
use fairdraw_core::validation::FieldErrors;
use fairdraw_store::StoreError;
use fairdraw_store::entry_methods::{EntryMethodFields, EntryMethodRow};
use serde_json::json;

/// The level of a method added through the API. Levels (methods unlocked by others) are not
/// configurable there, so every such method is on the first.
const FIRST_LEVEL: i64 = 1;

const NOT_FOUND: EngineError = EngineError::NotFound("Entry method");

/// A configured entry method, in domain terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryMethod {
    pub id: i64,
    pub giveaway_id: i64,
    /// The method's number within its giveaway.
    pub entry_id: i64,
    pub kind: &'static EntryMethodType,
    pub config: EntryMethodConfig,
    pub entry_order: i64,
    pub entry_level: Option<i64>,
}

impl EntryMethod {
    fn from_row(row: EntryMethodRow) -> EngineResult<EntryMethod> {
        // Catalog ids are never removed, so a stored type is always there; if one is not, the
        // data is damaged and the request cannot be answered truthfully.
        let kind = catalog::find(row.method_type).ok_or_else(|| {
            EngineError::Internal(
                format!(
                    "entry method {} has type {}, which is not in the catalog",
                    row.id, row.method_type
                )
                .into(),
            )
        })?;
        Ok(EntryMethod {
            id: row.id,
            giveaway_id: row.giveaway_id,
            entry_id: row.entry_id,
            kind,
            config: EntryMethodConfig {
                title: row.title,
                link: row.link,
                amount: row.amount,
                required: row.required != 0,
                daily: row.daily != 0,
                additional_instructions: row.additional_instructions,
                icon_color: row.icon_color,
                widget_display: row.widget_display != 0,
            },
            entry_order: row.entry_order,
            entry_level: row.entry_level,
        })
    }

    fn spec(&self) -> EntryMethodSpec {
        EntryMethodSpec {
            kind: self.kind,
            config: self.config.clone(),
        }
    }
}

fn to_fields(spec: &EntryMethodSpec) -> EntryMethodFields {
    let c = &spec.config;
    EntryMethodFields {
        method_type: spec.kind.id,
        title: c.title.clone(),
        link: c.link.clone(),
        amount: c.amount,
        required: c.required,
        daily: c.daily,
        additional_instructions: c.additional_instructions.clone(),
        icon_color: c.icon_color.clone(),
        widget_display: c.widget_display,
    }
}

/// A store "not found" about a method (it went away, or is another giveaway's) as the API says it.
fn method_not_found(e: StoreError) -> EngineError {
    match e {
        StoreError::NotFound => NOT_FOUND,
        other => other.into(),
    }
}

impl Engine {
    /// The methods of a giveaway, in display order, without checking who asks: for the public
    /// entry endpoint, which serves anyone the giveaway is shown to.
    pub async fn entry_methods_of(&self, giveaway_id: i64) -> EngineResult<Vec<EntryMethod>> {
        self.db()
            .entry_methods(giveaway_id)
            .await?
            .into_iter()
            .map(EntryMethod::from_row)
            .collect()
    }

    pub async fn list_entry_methods(&self, who: &Principal, giveaway_id: i64) -> EngineResult<Vec<EntryMethod>> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        self.entry_methods_of(g.id()).await
    }

    pub async fn add_entry_method(
        &self,
        who: &Principal,
        giveaway_id: i64,
        input: EntryMethodInput,
    ) -> EngineResult<EntryMethod> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current = self.entry_methods_of(g.id()).await?;
        let has_user_details = current.iter().any(|m| m.kind.id == USER_DETAILS);
        let spec = EntryMethodSpec::create(input, has_user_details)?;
        let audit = audit_event(
            who,
            "entry_method.created",
            Some(g.id()),
            json!({ "entry_method": spec.kind.id }),
        );
        let id = self
            .db()
            .insert_entry_method(g.id(), &to_fields(&spec), FIRST_LEVEL, &audit, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => EngineError::NotFound("Giveaway"),
                other => other.into(),
            })?;
        self.entry_method(g.id(), id).await
    }

    pub async fn update_entry_method(
        &self,
        who: &Principal,
        giveaway_id: i64,
        method_id: i64,
        input: EntryMethodInput,
    ) -> EngineResult<EntryMethod> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current = self.entry_method(g.id(), method_id).await?;
        let spec = current.spec().update(input)?;
        let (before, after) = (&current.config, &spec.config);
        let changed = changed_fields([
            ("entry_title", after.title != before.title),
            ("entry_link", after.link != before.link),
            ("entry_amount", after.amount != before.amount),
            ("required", after.required != before.required),
            ("daily", after.daily != before.daily),
            (
                "additional_instructions",
                after.additional_instructions != before.additional_instructions,
            ),
            ("icon_color", after.icon_color != before.icon_color),
            ("widget_display", after.widget_display != before.widget_display),
        ]);
        let audit = audit_event(
            who,
            "entry_method.updated",
            Some(g.id()),
            json!({ "method_id": method_id, "entry_id": current.entry_id, "changed": changed }),
        );
        self.db()
            .update_entry_method(g.id(), method_id, &to_fields(&spec), &audit, self.now_ms())
            .await
            .map_err(method_not_found)?;
        self.entry_method(g.id(), method_id).await
    }

    /// Removes a method; entries already made through it keep their meaning. "User Details" is
    /// how a participant enters at all, so it stays.
    pub async fn remove_entry_method(&self, who: &Principal, giveaway_id: i64, method_id: i64) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current = self.entry_method(g.id(), method_id).await?;
        if current.kind.id == USER_DETAILS {
            return Err(EngineError::Validation(FieldErrors::one(
                "method_id",
                "The User Details method (type 1) cannot be deleted: every giveaway needs it.",
            )));
        }
        let audit = audit_event(
            who,
            "entry_method.deleted",
            Some(g.id()),
            json!({ "method_id": method_id, "entry_id": current.entry_id, "entry_method": current.kind.id }),
        );
        self.db()
            .remove_entry_method(g.id(), method_id, &audit, self.now_ms())
            .await
            .map_err(method_not_found)
    }

    /// Sets the display order: the listed methods first, the others after them as they were.
    pub async fn reorder_entry_methods(
        &self,
        who: &Principal,
        giveaway_id: i64,
        input: ReorderInput,
    ) -> EngineResult<()> {
        let g = self.owned_giveaway(who, giveaway_id).await?;
        let current: Vec<i64> = self.db().entry_methods(g.id()).await?.iter().map(|m| m.id).collect();
        let order = input.apply(&current)?;
        let audit = audit_event(who, "entry_methods.reordered", Some(g.id()), json!({ "order": order }));
        match self
            .db()
            .set_entry_method_order(g.id(), &order, &audit, self.now_ms())
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(EngineError::Conflict(
                "The giveaway's entry methods changed during the reorder; read them again and retry.".to_owned(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    async fn entry_method(&self, giveaway_id: i64, method_id: i64) -> EngineResult<EntryMethod> {
        let row = self
            .db()
            .entry_method(giveaway_id, method_id)
            .await
            .map_err(method_not_found)?;
        EntryMethod::from_row(row)
    }
}
