//! The country configuration as plain serde structs. Doc comments here are the help text
//! an editor shows (they become `description` in the JSON Schema), so they speak to the
//! country team writing the file.
//!
//! Sections that have built-in defaults (roles, steps, risk levels, concerns, BID
//! situations, consent bands, KPIs) are plain lists. Absent from a file means "use the
//! defaults", and load merges the defaults into the document before it is read as a
//! `Config`, so a `Config` always holds them. (`skip_serializing_if` keeps the published
//! schema from claiming an empty list as their default.)

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::primitives::{
    CountryCode, Date, Duration, Id, LanguageTag, ProgresCode, ScriptCode, Sensitivity, Text,
    Version,
};

/// A bipgen country configuration: one file (plus the files it includes) describing a
/// country's Best Interests Procedure, from which the SOP and the forms are generated.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Path of the JSON Schema for editors (Taplo, VS Code Even Better TOML). Ignored by bipgen.
    #[serde(default, rename = "$schema", skip_serializing)]
    pub schema: Option<String>,
    /// Further TOML files of this folder whose tables are merged into this one, e.g.
    /// `["services.toml", "pathways.toml"]`. Arrays of tables are appended; a key set twice is an error.
    #[serde(default)]
    pub include: Vec<String>,
    /// Tag of the language the SOP is drafted in; plain strings are read as this language.
    pub default_language: LanguageTag,
    /// Identity and version of this SOP.
    pub sop: Sop,
    /// Languages the SOP and forms are produced in, the default language among them.
    #[schemars(length(min = 1))]
    pub languages: Vec<Language>,
    /// Languages children and families speak, offered by the forms' language questions
    /// (`languages_spoken`, `interview_language`), including languages the SOP is not
    /// written in, e.g. Fur or Masalit. Omit to offer the SOP's languages.
    #[serde(default)]
    pub spoken_languages: Vec<SpokenLanguage>,
    /// Scope, population groups and legal framework (SOP chapter 1).
    #[serde(default)]
    pub scope: Option<Scope>,
    /// Organisations taking part: government, UN, NGOs, community structures.
    #[schemars(length(min = 1))]
    pub organisations: Vec<Organisation>,
    /// Geographical areas of the operation (camps, districts, border points).
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Places where children at risk are identified (registration, border post, school…).
    #[serde(default)]
    pub entry_points: Vec<EntryPoint>,
    /// Roles in case management. Omit to use the built-in roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Case management steps in order. Omit to use the six BIP steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Risk levels, most urgent first. Omit to use emergency / high / medium / low.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_levels: Vec<RiskLevel>,
    /// Emergency and after-hours procedure.
    #[serde(default)]
    pub emergency: Option<Emergency>,
    /// Case conferences: when they are called, who attends, how often.
    #[serde(default)]
    pub case_conference: Option<CaseConference>,
    /// Re-opening of closed cases.
    #[serde(default)]
    pub reopening: Option<Reopening>,
    /// Child protection concerns. Omit to use the built-in list with proGres codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concerns: Vec<Concern>,
    /// The service directory.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Referral pathways: per concern (and optionally per area), the ordered services.
    #[serde(default)]
    pub pathways: Vec<Pathway>,
    /// Best Interests Determination: situations, panels, interim procedure, review.
    #[serde(default)]
    pub bid: Bid,
    /// Caseload and staffing ratios, from which the SOP computes staffing needs.
    #[serde(default)]
    pub staffing: Staffing,
    /// Data protection: legitimate bases, consent and assent, access, retention, breaches.
    #[serde(default)]
    pub data_protection: DataProtection,
    /// Cross-border case management with neighbouring or distant countries.
    #[serde(default)]
    pub cross_border: Option<CrossBorder>,
    /// Safeguarding duties: mandatory reporting under national law and the route for
    /// sexual exploitation and abuse by staff (PSEA).
    #[serde(default)]
    pub safeguarding: Safeguarding,
    /// The country's own citation for a rule the SOP otherwise marks as the operation's
    /// choice, by norm id (e.g. `consent_ages = "Child Protection Code (2019), art. 12"`).
    /// `bipgen check` lists the norm ids when one is unknown.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<Id, Text>,
    /// Which forms are produced and how they are tailored.
    #[serde(default)]
    pub forms: Forms,
    /// Key performance indicators. Omit to use the built-in set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kpis: Vec<Kpi>,
    /// Local terms for the glossary, added to the built-in one.
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
}

/// Identity and version of the SOP.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sop {
    /// Country of the operation (ISO 3166-1 alpha-2, e.g. `TD`).
    pub country: CountryCode,
    /// Title of the SOP document.
    pub title: Text,
    /// The operation or response this SOP serves, e.g. "Sudanese refugee response, eastern Chad".
    pub operation: Text,
    /// Version of the SOP (semantic version).
    pub version: Version,
    /// Date from which the SOP applies. Also the date printed in generated documents.
    pub effective_date: Date,
    /// Date by which the SOP must be reviewed; must fall after the effective date.
    pub review_date: Date,
    /// `draft` while under discussion (documents carry a DRAFT mark), `final` once endorsed.
    pub status: Status,
    /// Ids of the organisations leading and endorsing the SOP.
    #[schemars(length(min = 1))]
    pub lead_agencies: Vec<Id>,
    /// What changed in each version, newest first.
    #[serde(default)]
    pub changelog: Vec<ChangelogEntry>,
    /// Where the service directory is printed: `in_sop` (an annex of the SOP), `by_area`
    /// (one document per area beside the SOP, which lists them), or `auto`: in the SOP
    /// up to 500 services, by area beyond.
    #[serde(default)]
    pub service_directory: DirectoryPlacement,
}

/// Where the service directory is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryPlacement {
    /// In the SOP up to 500 services, one document per area beyond.
    #[default]
    Auto,
    /// An annex of the SOP, whatever its size.
    InSop,
    /// One document per area, beside the SOP.
    ByArea,
}

impl DirectoryPlacement {
    /// The largest directory `auto` keeps in the SOP. Beyond it a printed SOP would run
    /// to hundreds of pages of directory, and laying it out holds memory in proportion.
    pub const AUTO_IN_SOP_MAX: usize = 500;

    /// Whether a directory of `services` services goes out as one document per area.
    pub fn by_area(self, services: usize) -> bool {
        match self {
            Self::Auto => services > Self::AUTO_IN_SOP_MAX,
            Self::InSop => false,
            Self::ByArea => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Final,
}

/// One version in the SOP's history.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangelogEntry {
    pub version: Version,
    pub date: Date,
    /// What changed, in a sentence or two.
    pub summary: Text,
}

/// A language the documents are produced in. Script and direction are stated, never guessed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// BCP 47 tag, e.g. `fr`, `ar`, `fa-AF` (Dari), `ti`.
    pub tag: LanguageTag,
    /// ISO 15924 script, e.g. `Latn`, `Arab`, `Ethi`.
    pub script: ScriptCode,
    /// Writing direction: `ltr` or `rtl`.
    pub direction: Direction,
    /// Name of the language in itself, e.g. "Français", "العربية".
    #[schemars(length(min = 1))]
    pub name: String,
    /// Digits used for running numbers in text (case numbers and ids always use Latin digits).
    /// When left out, the language's own as CLDR gives them (`beng` for Bengali, `arabext`
    /// for Dari and Pashto, `arab` for `ar-TD`, `latn` for `ar`), else `latn`.
    #[serde(default)]
    pub digits: Digits,
    /// Language whose text stands in where this one has none. Without it, a missing
    /// translation is an error; with it, a warning, and printed forms mark the stand-in text.
    #[serde(default)]
    pub fallback: Option<LanguageTag>,
}

impl Language {
    /// The language subtag Typst uses for hyphenation and shaping (`fa-AF` → `fa`).
    pub fn primary_subtag(&self) -> String {
        self.tag
            .as_str()
            .split('-')
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ltr,
    Rtl,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Digits {
    #[default]
    Latn,
    Arab,
    Arabext,
    Mymr,
    Beng,
    Ethi,
}

impl Digits {
    /// Rewrites ASCII digits in this positional digit set. Ethiopic numerals are not
    /// positional, so Ethiopic text keeps Latin digits, as is usual in print.
    pub fn localise(self, text: &str) -> String {
        let zero = match self {
            Digits::Latn | Digits::Ethi => return text.to_owned(),
            Digits::Arab => '\u{0660}',
            Digits::Arabext => '\u{06F0}',
            Digits::Mymr => '\u{1040}',
            Digits::Beng => '\u{09E6}',
        };
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32(zero as u32 + d).unwrap_or(c),
                _ => c,
            })
            .collect()
    }
}

/// Scope of the SOP.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Who and where the SOP covers, in a short paragraph.
    #[serde(default)]
    pub description: Option<Text>,
    /// Population groups covered.
    #[serde(default)]
    pub population_groups: Vec<PopulationGroup>,
    /// International and regional instruments and where the country stands on each. Only
    /// these are printed as binding; nothing is assumed.
    #[serde(default)]
    pub instruments: Vec<InstrumentStatus>,
    /// National laws and policies the SOP builds on.
    #[serde(default)]
    pub legal_framework: Vec<Text>,
    /// Age of majority under national law.
    #[serde(default = "default_age_of_majority")]
    pub age_of_majority: u8,
}

/// An organisation's short name: the same in every language, or by language.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Acronym {
    Same(String),
    ByLanguage(std::collections::BTreeMap<String, String>),
}

impl Acronym {
    /// The short name in `language`, else in `default_language`, else any.
    pub fn get(&self, language: &str, default_language: &str) -> Option<&str> {
        match self {
            Acronym::Same(name) => Some(name),
            Acronym::ByLanguage(names) => names
                .get(language)
                .or_else(|| names.get(default_language))
                .or_else(|| names.values().next())
                .map(String::as_str),
        }
    }
}

/// One instrument and the country's status under it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstrumentStatus {
    pub instrument: Instrument,
    pub status: TreatyStatus,
}

/// International and regional instruments the SOP can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// Convention on the Rights of the Child (1989).
    Crc,
    /// Optional Protocol to the CRC on the involvement of children in armed conflict (2000).
    CrcOpac,
    /// Optional Protocol to the CRC on the sale of children, child prostitution and child pornography (2000).
    CrcOpsc,
    /// Convention relating to the Status of Refugees (1951) and its Protocol (1967).
    RefugeeConvention,
    /// Convention relating to the Status of Stateless Persons (1954).
    Statelessness1954,
    /// Convention on the Reduction of Statelessness (1961).
    Statelessness1961,
    /// OAU Convention Governing the Specific Aspects of Refugee Problems in Africa (1969).
    Oau1969,
    /// African Charter on the Rights and Welfare of the Child (1990).
    Acrwc,
    /// African Union Convention for the Protection and Assistance of Internally Displaced Persons in Africa (Kampala Convention, 2009).
    Kampala,
    /// Cartagena Declaration on Refugees (1984).
    Cartagena,
    /// Hague Convention on Intercountry Adoption (1993).
    Hague1993,
    /// Hague Convention on Parental Responsibility and Measures for the Protection of Children (1996).
    Hague1996,
    /// Protocol to Prevent, Suppress and Punish Trafficking in Persons, especially Women and Children (2000).
    TraffickingProtocol,
}

/// Where the country stands under an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TreatyStatus {
    /// Ratified or acceded: binding on the country.
    Party,
    /// Signed, not ratified.
    Signatory,
    /// Not binding on the country; the procedures draw on it.
    DrawsOn,
}

fn default_age_of_majority() -> u8 {
    18
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PopulationGroup {
    Refugee,
    AsylumSeeker,
    Stateless,
    Migrant,
    Returnee,
    Idp,
    HostCommunity,
    RefugeeLike,
    RejectedClaimant,
    Other,
}

/// A contact: any of the fields may be left out.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name of the person or desk.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Street address or location description.
    #[serde(default)]
    pub address: Option<Text>,
}

/// An organisation taking part in the procedure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: Id,
    /// Full name.
    pub name: Text,
    /// Short name, e.g. "UNHCR", "MFFPEN": one string for every language, or a table
    /// where it differs by language (`acronym = { en = "UNHCR", fr = "HCR" }`; a language
    /// the table leaves out uses the default language's).
    #[serde(default)]
    pub acronym: Option<Acronym>,
    #[serde(rename = "type")]
    pub kind: OrganisationType,
    #[serde(default)]
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationType {
    Government,
    Un,
    Ngo,
    Community,
    Other,
}

/// A geographical area of the operation.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: Id,
    pub name: Text,
}

/// A language children and families speak.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpokenLanguage {
    /// Stable id, e.g. `masalit` or `ar_td` (Chadian Arabic).
    pub id: Id,
    /// Its name in each of the SOP's languages.
    pub name: Text,
}

/// A place or channel through which children at risk are identified.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPoint {
    pub id: Id,
    pub label: Text,
    /// Areas where this entry point exists; empty means everywhere.
    #[serde(default)]
    pub areas: Vec<Id>,
}

/// A role in case management and the organisations that hold it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: Id,
    pub label: Text,
    /// What the role does, in a sentence.
    #[serde(default)]
    pub description: Option<Text>,
    /// Ids of the organisations whose staff hold this role.
    #[serde(default)]
    pub organisations: Vec<Id>,
}

/// A case management step.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The six BIP steps are `identification`, `assessment`, `case_planning`,
    /// `implementation`, `follow_up_review`, `closure`; further steps may be added.
    pub id: Id,
    pub label: Text,
    /// What happens in this step.
    #[serde(default)]
    pub description: Option<Text>,
    /// Roles that do the work.
    pub responsible: Vec<Id>,
    /// Roles answerable for it (usually the supervisor).
    #[serde(default)]
    pub accountable: Vec<Id>,
    /// Roles consulted before decisions.
    #[serde(default)]
    pub consulted: Vec<Id>,
    /// Roles kept informed.
    #[serde(default)]
    pub informed: Vec<Id>,
    /// Ids of the forms used in this step.
    #[serde(default)]
    pub forms: Vec<Id>,
    /// Which risk-level timeframe governs this step, if any.
    #[serde(default)]
    pub timeframe_by_risk: Option<RiskTimeframe>,
    /// A fixed timeframe for the step, when it does not depend on the risk level.
    #[serde(default)]
    pub timeframe: Option<Duration>,
}

/// One of the timeframes every risk level sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskTimeframe {
    FirstResponse,
    AssessmentDue,
    CasePlanDue,
    FollowUpEvery,
}

impl RiskTimeframe {
    pub const ALL: [RiskTimeframe; 4] = [
        RiskTimeframe::FirstResponse,
        RiskTimeframe::AssessmentDue,
        RiskTimeframe::CasePlanDue,
        RiskTimeframe::FollowUpEvery,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RiskTimeframe::FirstResponse => "first_response",
            RiskTimeframe::AssessmentDue => "assessment_due",
            RiskTimeframe::CasePlanDue => "case_plan_due",
            RiskTimeframe::FollowUpEvery => "follow_up_every",
        }
    }
}

/// A risk level with its criteria and timeframes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskLevel {
    pub id: Id,
    pub label: Text,
    /// Colour printed beside the label (always with the label, for grey printers).
    #[serde(default)]
    pub colour: Option<Colour>,
    /// Situations that put a child at this level, in words every caseworker understands.
    #[serde(default)]
    pub criteria: Vec<Text>,
    /// Time from identification to the first response.
    pub first_response: Duration,
    /// Time from identification to a completed BIA.
    pub assessment_due: Duration,
    /// Time from the BIA to an approved case plan.
    pub case_plan_due: Duration,
    /// How often the child is followed up.
    pub follow_up_every: Duration,
}

impl RiskLevel {
    pub fn timeframe(&self, which: RiskTimeframe) -> Duration {
        match which {
            RiskTimeframe::FirstResponse => self.first_response,
            RiskTimeframe::AssessmentDue => self.assessment_due,
            RiskTimeframe::CasePlanDue => self.case_plan_due,
            RiskTimeframe::FollowUpEvery => self.follow_up_every,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Grey,
}

/// Emergency and after-hours arrangements.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Emergency {
    /// What staff do when a child is in immediate danger.
    pub procedure: Text,
    /// Who answers outside office hours.
    #[serde(default)]
    pub after_hours_contact: Option<Contact>,
    /// Role on duty for emergencies.
    #[serde(default)]
    pub duty_role: Option<Id>,
}

/// Case conferences.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseConference {
    /// When a conference is called.
    pub triggers: Vec<ConferenceTrigger>,
    /// Role that chairs.
    pub chair: Id,
    /// Roles that take part.
    #[serde(default)]
    pub participants: Vec<Id>,
    /// How often routine conferences sit.
    #[serde(default)]
    pub frequency: Option<Duration>,
    /// How fast an emergency conference is convened.
    #[serde(default)]
    pub emergency_within: Option<Duration>,
    /// Form used to record the conference.
    #[serde(default)]
    pub record_form: Option<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConferenceTrigger {
    RemovalFromCaregiver,
    AlternativeCarePlacement,
    ReunificationPossibleHarm,
    Relocation,
    ComplexMultiPartner,
    Other,
}

/// Re-opening of closed cases.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopening {
    /// Role that approves re-opening.
    pub approved_by: Id,
    /// When a closed case is re-opened rather than a new case opened.
    #[serde(default)]
    pub within: Option<Duration>,
    #[serde(default)]
    pub description: Option<Text>,
}

/// A child protection concern.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Concern {
    pub id: Id,
    pub label: Text,
    /// proGres specific-needs codes that record this concern.
    #[serde(default)]
    pub progres_codes: Vec<ProgresCode>,
    /// Risk level a child with this concern starts at, before assessment.
    pub default_risk: Id,
    /// BID situations this concern may lead to; empty means a BID is not expected.
    #[serde(default)]
    pub bid_situations: Vec<Id>,
}

/// A service in the directory.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: Id,
    pub name: Text,
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Organisation that provides the service.
    pub provider: Id,
    /// Areas served; empty means all areas.
    #[serde(default)]
    pub areas: Vec<Id>,
    #[serde(default)]
    pub contact: Option<Contact>,
    /// Opening hours, e.g. "Sunday to Thursday, 8:00–16:00".
    #[serde(default)]
    pub hours: Option<Text>,
    /// Who may use the service.
    #[serde(default)]
    pub eligibility: Option<Text>,
    /// Languages spoken by the service's staff (tags).
    #[serde(default)]
    pub languages: Vec<LanguageTag>,
    /// Whether the child's or caregiver's consent is needed before referral.
    #[serde(default = "yes")]
    pub consent_required: bool,
    /// Cost to the family, if any.
    #[serde(default)]
    pub cost: Option<Text>,
}

fn yes() -> bool {
    true
}

/// Kinds of service, in the order a directory lists them: protection first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    ChildProtection,
    Gbv,
    SafetySecurity,
    SafeShelter,
    AlternativeCare,
    TemporaryCare,
    Ftr,
    Mhpss,
    Health,
    Srh,
    Nutrition,
    Food,
    Nfi,
    Shelter,
    Wash,
    Education,
    Livelihoods,
    Cash,
    LegalAid,
    Guardianship,
    DocumentationCivilRegistration,
    AsylumProcedure,
    DisabilityServices,
    Interpretation,
    DurableSolutionsUnhcr,
    Relocation,
    Other,
}

/// A referral pathway for one concern.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pathway {
    /// The concern this pathway answers.
    pub concern: Id,
    /// Areas where this pathway applies; empty means all areas.
    #[serde(default)]
    pub areas: Vec<Id>,
    /// Roles that make the referral.
    #[schemars(length(min = 1))]
    pub referred_by: Vec<Id>,
    /// Services in the order a child is referred to them.
    #[schemars(length(min = 1))]
    pub services: Vec<Id>,
    /// Time within which the first referral is made.
    pub timeframe: Duration,
    /// The route when the child is in immediate danger.
    #[serde(default)]
    pub emergency: Option<EmergencyRoute>,
}

/// The emergency route of a pathway.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencyRoute {
    /// Services reached first in an emergency.
    pub services: Vec<Id>,
    /// What to do outside office hours.
    #[serde(default)]
    pub after_hours: Option<Text>,
}

/// Best Interests Determination.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bid {
    /// Situations that require a BID. Omit to use the three BIP situations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub situations: Vec<BidSituation>,
    /// Role that runs the procedure and checks reports.
    #[serde(default)]
    pub supervisor_role: Option<Id>,
    /// Route for urgent decisions before a panel exists.
    #[serde(default)]
    pub interim: Option<InterimProcedure>,
    /// Role that designates the decision makers for each case decided under the interim
    /// procedure. Omitted: the BID supervisor role designates them (and does not decide).
    #[serde(default)]
    pub interim_designated_by: Option<Id>,
    /// Time by which the full panel reviews decisions taken under the interim procedure.
    #[serde(default)]
    pub interim_review_within: Option<Duration>,
    /// Target time from the onset of the emergency to the panel's first sitting.
    #[serde(default)]
    pub target_setup: Option<Duration>,
    /// BID panels (Best Interests Committees).
    #[serde(default)]
    pub panels: Vec<BidPanel>,
    /// Review and re-opening of BID decisions.
    #[serde(default)]
    pub review: Option<BidReview>,
}

/// A situation in which a BID is required.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BidSituation {
    pub id: Id,
    pub label: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterimProcedure {
    NationalPanel,
    EmergencyFocalPoints,
    Simplified,
}

/// Safeguarding duties the SOP states in the operation's own words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safeguarding {
    /// What national law obliges staff to report, to whom, with the law's reference,
    /// e.g. "Child Protection Code (2019), art. 12: abuse of a child is reported to the
    /// children's judge."
    #[serde(default)]
    pub mandatory_reporting: Option<Text>,
    /// Where reports of sexual exploitation and abuse by staff go: the PSEA focal point
    /// or network and how to reach them.
    #[serde(default)]
    pub psea_contact: Option<Text>,
}

/// A BID panel.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BidPanel {
    pub id: Id,
    #[serde(default)]
    pub name: Option<Text>,
    /// Areas whose cases this panel decides; empty means all areas.
    #[serde(default)]
    pub areas: Vec<Id>,
    /// Member agencies (organisation ids), one voting representative each. Norm: 3 to 5.
    pub members: Vec<Id>,
    /// Member agency that chairs.
    pub chair: Id,
    /// Agencies providing trained alternates.
    #[serde(default)]
    pub alternates: Vec<Id>,
    /// Roles that present cases without voting.
    #[serde(default)]
    pub presenters: Vec<Id>,
    /// Number of member agencies needed for a decision, the chair included.
    pub quorum: u8,
    /// How often the panel sits.
    pub sits_every: Duration,
    /// Most cases decided in one sitting. Norm: no more than 6 to 8.
    #[serde(default = "default_max_cases")]
    pub max_cases_per_sitting: u8,
    /// How decisions are taken; dissent is always recorded.
    #[serde(default)]
    pub decision_rule: DecisionRule,
}

fn default_max_cases() -> u8 {
    8
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    #[default]
    Consensus,
    Majority,
}

/// Review and re-opening of BID decisions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BidReview {
    /// What leads to a review.
    pub triggers: Vec<BidReviewTrigger>,
    /// Who may ask for a review.
    #[serde(default)]
    pub requested_by: Vec<BidRequester>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BidReviewTrigger {
    NewInformation,
    ChangedCircumstances,
    NotImplementable,
    ChildViewsChanged,
    FamilyFound,
    ProceduralError,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BidRequester {
    Child,
    Caregiver,
    Caseworker,
    Panel,
}

/// Staffing norms and the expected caseload.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    /// Children (or cases, see `caseload_unit`) per caseworker. Norm: 25.
    #[serde(default = "default_children_per_caseworker")]
    pub children_per_caseworker: u16,
    /// Caseworkers per case manager (supervisor), as a range. Norm: 5 to 6.
    #[serde(default)]
    pub caseworkers_per_case_manager: RatioRange,
    /// Whether the caseload counts children or family cases.
    #[serde(default)]
    pub caseload_unit: CaseloadUnit,
    /// Expected caseload and staff in post, per area.
    #[serde(default)]
    pub areas: Vec<AreaStaffing>,
}

impl Default for Staffing {
    fn default() -> Self {
        Staffing {
            children_per_caseworker: default_children_per_caseworker(),
            caseworkers_per_case_manager: RatioRange::default(),
            caseload_unit: CaseloadUnit::default(),
            areas: Vec::new(),
        }
    }
}

fn default_children_per_caseworker() -> u16 {
    25
}

/// A range `min`..=`max`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatioRange {
    pub min: u16,
    pub max: u16,
}

impl Default for RatioRange {
    fn default() -> Self {
        RatioRange { min: 5, max: 6 }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseloadUnit {
    #[default]
    Children,
    Cases,
}

/// Caseload and staff of one area.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaStaffing {
    pub area: Id,
    /// Children (or cases) expected in case management at one time.
    pub expected_caseload: u32,
    #[serde(default)]
    pub caseworkers_in_post: u32,
    #[serde(default)]
    pub case_managers_in_post: u32,
    /// Expected BID cases a month, to plan panel sittings.
    #[serde(default)]
    pub bid_cases_per_month: u32,
}

/// Data protection rules.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataProtection {
    /// Lawful grounds on which personal data are processed.
    #[serde(default)]
    pub legitimate_bases: Vec<LegitimateBasis>,
    /// Who gives consent and how the child takes part, by age. Must cover ages 0 to 17
    /// with no gap or overlap. Omit to use the built-in bands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent_bands: Vec<ConsentBand>,
    /// Which roles may see each sensitivity level.
    #[serde(default)]
    pub access: Vec<AccessRule>,
    /// How long closed case files are kept before destruction.
    #[serde(default)]
    pub retention_after_closure: Option<Duration>,
    /// Information systems holding case data, e.g. "proGres v4", "CPIMS+".
    #[serde(default)]
    pub systems: Vec<String>,
    /// The information-sharing protocol in force.
    #[serde(default)]
    pub sharing_protocol: Option<Text>,
    /// What staff do when data are lost, stolen or wrongly shared.
    #[serde(default)]
    pub breach_procedure: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegitimateBasis {
    Consent,
    VitalInterests,
    BestInterests,
    MandatePublicInterest,
    LegalObligation,
    Contract,
    LegitimateInterests,
}

/// Consent and assent for one age band.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBand {
    /// Youngest age of the band, in completed years.
    pub min_age: u8,
    /// Oldest age of the band, in completed years.
    pub max_age: u8,
    /// Who gives informed consent.
    pub consent_from: ConsentGiver,
    /// The child's own part.
    pub child_part: ChildPart,
    /// What is recorded on the consent form.
    #[serde(default)]
    pub record: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentGiver {
    Caregiver,
    Child,
    ChildOrCaregiver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildPart {
    Informed,
    OralAssent,
    WrittenAssent,
    OwnConsent,
}

/// Roles allowed to see one sensitivity level.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRule {
    pub sensitivity: Sensitivity,
    pub roles: Vec<Id>,
}

/// Cross-border case management.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrossBorder {
    /// Agreements in force (MoU, data-sharing agreement) and their scope.
    #[serde(default)]
    pub agreements: Vec<Text>,
    /// Partner countries.
    pub partners: Vec<CrossBorderPartner>,
    /// Fields shared on transfer, as `form.field` (e.g. `registration_intake.case_id`).
    /// Omit to share the transfer form's shared section (section C), its minimum dataset.
    #[serde(default)]
    pub minimum_dataset: Option<Vec<FieldRef>>,
    /// Time within which the receiving side acknowledges a transfer.
    #[serde(default)]
    pub acknowledge_within: Option<Duration>,
}

/// A partner country and its agencies.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrossBorderPartner {
    pub country: CountryCode,
    /// Organisations working with us on that side.
    pub agencies: Vec<Id>,
    /// Named focal points.
    #[serde(default)]
    pub focal_points: Vec<FocalPoint>,
    /// When personal data about a child may reach this country's state authorities, and
    /// who decides. Needed when the operation serves refugees and a partner agency is a
    /// government body: it may be the authority of the child's country of origin.
    #[serde(default)]
    pub state_authority_safeguard: Option<Text>,
}

/// A named focal point.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FocalPoint {
    pub organisation: Id,
    /// Name of the person or desk.
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A reference to a form field, `form_id.field_id`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldRef {
    pub form: Id,
    pub field: Id,
}

impl std::fmt::Display for FieldRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.form, self.field)
    }
}

impl std::str::FromStr for FieldRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (form, field) = s
            .split_once('.')
            .ok_or_else(|| format!("`{s}` is not a field reference: write `form_id.field_id`"))?;
        Ok(FieldRef {
            form: form.parse()?,
            field: field.parse()?,
        })
    }
}

impl Serialize for FieldRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for FieldRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z][a-z0-9]*(_[a-z0-9]+)*\\.[a-z][a-z0-9]*(_[a-z0-9]+)*$",
            "description": "A form field, written `form_id.field_id`, e.g. `registration_intake.date_of_birth`.",
        })
    }
}

/// Which forms are produced and how they are tailored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forms {
    /// Ids of the forms to produce; omit for every form of the library.
    #[serde(default)]
    pub selected: Option<Vec<Id>>,
    /// What every printed form carries in its header.
    #[serde(default)]
    pub header: FormHeader,
    /// Paper size of printed forms.
    #[serde(default)]
    pub paper: Paper,
    /// How dates are written on paper; always Gregorian.
    #[serde(default)]
    pub date_format: DateFormat,
    /// Language pairs printed side by side, e.g. `[["fr", "ar"]]`.
    #[serde(default)]
    pub bilingual: Vec<[LanguageTag; 2]>,
    /// Per-form tailoring, keyed by form id.
    #[serde(default)]
    pub tailoring: std::collections::BTreeMap<Id, FormTailoring>,
    /// Changes to the library's choice lists, keyed by list id; a new id makes a new list
    /// (for added fields).
    #[serde(default)]
    pub choices: std::collections::BTreeMap<Id, ListTailoring>,
    /// What the XLSForms for ODK Collect and KoboToolbox carry besides the questions.
    #[serde(default)]
    pub odk: OdkForms,
    /// On paper, a choice question with more options than this prints as a write-in
    /// with a code table at the end of the form (a list from the service directory
    /// refers to the directory instead). Default 30; a form's tailoring may set its own.
    #[serde(default)]
    #[schemars(range(min = 2))]
    pub write_in_above: Option<u16>,
    /// Organisations offered by the forms' "agency" questions. Omit for those that hold
    /// a case management role (`[[roles]]`), or, when no role names one, every
    /// organisation except partners across the border.
    #[serde(default)]
    pub agencies: Option<Vec<Id>>,
}

/// The default of `forms.write_in_above`.
pub const WRITE_IN_ABOVE: u16 = 30;

/// How a choice question prints on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintChoices {
    /// A tick box per option.
    TickBoxes,
    /// A write-in for the option's code, with the code table at the end of the form.
    WriteIn,
}

/// Settings of the XLSForms for ODK Collect, ODK Central and KoboToolbox.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OdkForms {
    /// Standard metadata every form records on the phone, e.g.
    /// `["start", "end", "deviceid", "audit"]`: `start` and `end` (when the form was
    /// opened and finished), `deviceid` (the phone's id), `username` (the name set in
    /// Collect), `audit` (a log of every question viewed and answer changed).
    #[serde(default)]
    pub metadata: Vec<OdkMetadata>,
    /// Base64 RSA public key (the DER `SubjectPublicKeyInfo`, one line, no PEM header):
    /// every form is encrypted on the phone with it, and only the holder of the private
    /// key can read submissions. Strongly advised for forms with highly confidential fields.
    #[serde(default)]
    pub public_key: Option<String>,
    /// Where encrypted submissions are sent, when not to the server the form came from
    /// (rarely needed with ODK Central). Needs `public_key`.
    #[serde(default)]
    pub submission_url: Option<String>,
    /// Keep a case list on the phones (ODK Central entities): registration adds each
    /// child's case (case id, given and family names, area, risk level, status) to the
    /// entity list `cases`, and the other case forms pick the case from it instead of
    /// typing its id. The forms that set the risk level, and closure, update the case.
    /// ODK Central must read the submissions that add or update a case, so with
    /// `public_key` only the forms that just read the list are encrypted.
    #[serde(default)]
    pub entities: bool,
}

/// A standard metadata field of ODK forms.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OdkMetadata {
    // Plain comments, not doc comments: the schema then lists the values as an `enum`,
    // and `check` names the allowed ones.
    // When the form was opened.
    Start,
    // When the form was finished.
    End,
    // The phone's device id.
    Deviceid,
    // The user name set in the app.
    Username,
    // A log of the questions viewed and answers changed (`audit.csv`).
    Audit,
}

impl OdkMetadata {
    /// The XLSForm type, which is also the field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            OdkMetadata::Start => "start",
            OdkMetadata::End => "end",
            OdkMetadata::Deviceid => "deviceid",
            OdkMetadata::Username => "username",
            OdkMetadata::Audit => "audit",
        }
    }
}

/// The header of printed forms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormHeader {
    /// Agency logos, as paths inside the configuration's folder (PNG, JPEG or SVG), in
    /// the order they are printed.
    #[serde(default)]
    pub logos: Vec<String>,
}

/// Changes to a choice list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTailoring {
    /// Options added after the library's (or, with `replace = true`, instead of them).
    pub options: Vec<crate::model::form::ChoiceOption>,
    /// Replace the library's options rather than extend them.
    #[serde(default)]
    pub replace: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DateFormat {
    #[default]
    #[serde(rename = "DD/MM/YYYY")]
    DayMonthYear,
    #[serde(rename = "MM/DD/YYYY")]
    MonthDayYear,
    #[serde(rename = "YYYY-MM-DD")]
    Iso,
}

/// Changes to one built-in form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormTailoring {
    /// Field ids to leave out (core fields cannot be hidden).
    #[serde(default)]
    pub hide: Vec<Id>,
    /// New labels for existing fields, keyed by field id.
    #[serde(default)]
    pub relabel: std::collections::BTreeMap<Id, Text>,
    /// New fields, added to an existing section.
    #[serde(default)]
    pub add: Vec<AddedFields>,
    /// New sections.
    #[serde(default)]
    pub add_sections: Vec<AddedSections>,
    /// This form's own `write_in_above` (see `[forms]`).
    #[serde(default)]
    #[schemars(range(min = 2))]
    pub write_in_above: Option<u16>,
    /// How given choice questions print, whatever their length, by field id:
    /// `print_as = { nationality = "tick_boxes" }`.
    #[serde(default)]
    pub print_as: std::collections::BTreeMap<Id, PrintChoices>,
}

/// Fields added to a section of a built-in form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddedFields {
    /// Id of the section they go in.
    pub section: Id,
    /// Id of the field they follow; omit to add them at the end of the section.
    #[serde(default)]
    pub after: Option<Id>,
    /// The fields, written like the library's (see forms/README.md).
    pub fields: Vec<crate::model::form::Field>,
}

/// Sections added to a built-in form.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddedSections {
    /// Id of the section they follow; omit to add them before the last section (usually
    /// the signatures).
    #[serde(default)]
    pub after: Option<Id>,
    pub sections: Vec<crate::model::form::Section>,
}

/// A key performance indicator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub id: Id,
    pub label: Text,
    /// How it is computed: numerator / denominator, in words.
    pub definition: Text,
    /// Target, e.g. "≥ 90%" or "≤ 25 children per caseworker".
    #[serde(default)]
    pub target: Option<Text>,
    pub frequency: Frequency,
    /// Role that reports it.
    #[serde(default)]
    pub owner: Option<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    SixMonthly,
    Yearly,
}

/// A term of the glossary.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub term: Text,
    pub definition: Text,
}
