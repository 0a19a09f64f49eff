//! The canonical form definition: the one description of every field that printed forms,
//! JSON Schemas, XLSForms and the SOP's annexes are all rendered from.
//!
//! Sources are TOML files in `forms/` (one per form, plus `forms/choices.toml` for shared
//! choice lists); the resolved form is written as JSON (`definitions/<form>.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::primitives::{Id, Sensitivity, Text, Version};

/// A case management form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// Path or URI of the JSON Schema, for editors and validators. Ignored by bipgen.
    #[serde(default, rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Stable id, e.g. `bia_short`.
    pub id: Id,
    /// Version of this form's design; raise it when fields change.
    pub version: Version,
    pub title: Text,
    /// Why and when the form is used, in one or two sentences.
    pub purpose: Text,
    /// Case management steps that use the form (ids of `steps`).
    pub steps: Vec<Id>,
    /// Who fills the form in, in words.
    pub filled_by: Text,
    /// What the form does to the child's case in the case list on phones
    /// (`[forms.odk] entities`): `opens` it (registration) or `closes` it. Forms with a
    /// case id and no action pick the case from the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_action: Option<CaseAction>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// In resolved definitions only (`definitions/<form>.json`): the choice lists the
    /// fields name, with their options. Sources leave it out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<ChoiceList>,
    /// In resolved definitions only: the languages every text is written in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
}

/// What a form does to the case in the case list (see [`FormDefinition::case_action`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// Registration: a submission adds the child's case to the list.
    Opens,
    /// Closure: a submission marks the case closed, and it leaves the other forms' lists.
    Closes,
}

/// A titled block of the form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Unique in the form, like field ids.
    pub id: Id,
    pub title: Text,
    /// Shown under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Condition for the whole section (same language as field conditions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    /// On paper, the section starts a new page (e.g. a page the child fills in alone).
    #[serde(default, skip_serializing_if = "is_false")]
    pub new_page: bool,
    #[schemars(with = "Vec<FieldEntry>")]
    pub fields: Vec<Field>,
}

/// In a form's source, a field is written out, or names a shared field
/// (`forms/fields/`) with what depends on the form. Resolved definitions hold only
/// written-out fields.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // describes the source format for the schema only
enum FieldEntry {
    Field(Box<Field>),
    Shared(SharedFieldUse),
}

/// A shared field used by a form; the keys beside `use` are those of
/// `crate::forms::shared::CONTEXT_KEYS`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // describes the source format for the schema only
struct SharedFieldUse {
    /// Id of the shared field, e.g. `nationality`.
    #[serde(rename = "use")]
    uses: Id,
    required: Option<bool>,
    core: Option<bool>,
    cross_border: Option<bool>,
    /// Ask only when this condition holds (in this form).
    relevant: Option<String>,
    hint: Option<Text>,
    guidance: Option<Text>,
}

/// A question, a note, or a group of questions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Unique in the whole form (XLSForm needs this): lowercase snake_case.
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub label: Text,
    /// For fields that identify a person or a case across forms (`case_id`,
    /// `child_family_name`, `child_sex`…): the same concept in every form, so that an
    /// importer maps it once. Set on shared fields (`forms/fields/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept: Option<Id>,
    /// Help shown with the question, on screen and paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Guidance for the caseworker, printed in small italics on paper only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<Text>,
    /// The question must be answered (when it is relevant).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// A core field carries a quality element of the BIP (identity, consent, risk, the
    /// four factor groups, decision, signatures): a country cannot hide it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub core: bool,
    /// Who may see the answer.
    pub sensitivity: Sensitivity,
    /// Part of the minimum dataset shared when a case is transferred across a border.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cross_border: bool,
    /// Ask only when this condition holds, e.g. `separation_status != 'accompanied'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    /// The answer (`.`) must satisfy this condition, e.g. `. <= today()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// Shown when the constraint fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_message: Option<Text>,
    /// For `single_choice` and `multiple_choice`: the id of a choice list, from
    /// `forms/choices.toml` or the configuration (`concerns`, `risk_levels`, `services`,
    /// `organisations`, `areas`, `languages`, `entry_points`, `bid_situations`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<Id>,
    /// Size of the write-in space on paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<Length>,
    /// For `repeat`: empty rows printed on paper.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u8>,
    /// For `group` and `repeat`: the fields inside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<FieldEntry>")]
    pub fields: Vec<Field>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    LongText,
    Integer,
    Decimal,
    Date,
    YesNo,
    SingleChoice,
    MultipleChoice,
    /// A signature or thumbprint, with the signer's name and the date.
    Signature,
    /// Read-only text.
    Note,
    Group,
    Repeat,
}

impl FieldType {
    pub fn has_choices(self) -> bool {
        matches!(self, FieldType::SingleChoice | FieldType::MultipleChoice)
    }

    pub fn has_children(self) -> bool {
        matches!(self, FieldType::Group | FieldType::Repeat)
    }

    /// Whether the field holds an answer in a record.
    pub fn holds_answer(self) -> bool {
        !matches!(self, FieldType::Note | FieldType::Group)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// A word or a number.
    Short,
    /// A line.
    Medium,
    /// Several lines.
    Long,
}

/// Shared choice lists (`forms/choices.toml`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceLists {
    #[serde(default, rename = "$schema", skip_serializing)]
    pub schema: Option<String>,
    pub lists: Vec<ChoiceList>,
}

/// A list of options.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceList {
    pub id: Id,
    pub options: Vec<ChoiceOption>,
}

/// One option of a choice list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: Id,
    pub label: Text,
}

/// Choice lists by id, as resolved for one configuration.
pub type ChoiceIndex = BTreeMap<Id, ChoiceList>;
