-- schema version 8 (store/migrate.go), as SQLite describes it
table atlas_annotations: id TEXT PK1
table atlas_annotations: attachment_id TEXT NOT NULL
table atlas_annotations: text TEXT NOT NULL
table atlas_annotations: anchor_start INTEGER
table atlas_annotations: anchor_end INTEGER
table atlas_annotations: created_by_id INTEGER NOT NULL
table atlas_annotations: created_by TEXT NOT NULL
table atlas_annotations: created_at datetime NOT NULL
table atlas_attachments: id TEXT PK1
table atlas_attachments: name TEXT NOT NULL
table atlas_attachments: type TEXT NOT NULL
table atlas_attachments: title TEXT
table atlas_attachments: description TEXT
table atlas_attachments: citation TEXT
table atlas_attachments: source_session_id TEXT
table atlas_attachments: created_by_id INTEGER NOT NULL
table atlas_attachments: created_by TEXT NOT NULL
table atlas_attachments: created_at datetime NOT NULL
table atlas_attachments: is_visible numeric NOT NULL DEFAULT true
table atlas_attachments: size INTEGER NOT NULL
table atlas_attachments: sha256 TEXT NOT NULL
table atlas_session_attachments: id INTEGER PK1
table atlas_session_attachments: session_id TEXT NOT NULL
table atlas_session_attachments: attachment_id TEXT NOT NULL
table atlas_sessions: id TEXT PK1
table atlas_sessions: owner_id INTEGER NOT NULL
table atlas_sessions: title TEXT
table atlas_sessions: description TEXT
table atlas_sessions: created_by TEXT NOT NULL
table atlas_sessions: created_at datetime NOT NULL
table atlas_sessions: starred_at datetime
table audit_events: id INTEGER PK1
table audit_events: at datetime NOT NULL
table audit_events: user_id INTEGER
table audit_events: user_email TEXT NOT NULL DEFAULT ""
table audit_events: api TEXT NOT NULL
table audit_events: operation TEXT NOT NULL
table audit_events: method TEXT NOT NULL
table audit_events: route TEXT NOT NULL
table audit_events: record_id TEXT NOT NULL DEFAULT ""
table audit_events: created TEXT NOT NULL DEFAULT "[]"
table audit_events: fields TEXT NOT NULL DEFAULT "[]"
table audit_events: status INTEGER NOT NULL
table audit_events: request_id TEXT NOT NULL DEFAULT ""
table auth_states: id INTEGER PK1
table auth_states: token_generation INTEGER
table bs_behavior_subjects: behavior_id TEXT PK1
table bs_behavior_subjects: subject_id TEXT PK2
table bs_behavioralassay_licenses: behavioral_assay_id TEXT PK1
table bs_behavioralassay_licenses: license_id TEXT PK2
table bs_behavioralassays: id TEXT PK1
table bs_behavioralassays: name TEXT NOT NULL
table bs_behavioralassays: description TEXT NOT NULL DEFAULT ""
table bs_behavioralassays: setup_type_id TEXT NOT NULL
table bs_behavioralassays: behavioral_paradigm_id TEXT NOT NULL
table bs_behavioralassays: is_public numeric NOT NULL DEFAULT false
table bs_behavioralassays: owner_id INTEGER NOT NULL
table bs_behavioralassays: created_at datetime
table bs_behavioralassays: updated_at datetime
table bs_behavioralcategories: id TEXT PK1
table bs_behavioralcategories: name TEXT NOT NULL
table bs_behavioralcategories: description TEXT NOT NULL DEFAULT ""
table bs_behavioralcategories: parent_id TEXT
table bs_behavioralcategories: created_at datetime
table bs_behavioralcategories: updated_at datetime
table bs_behavioralparadigm_species: behavioral_paradigm_id TEXT PK1
table bs_behavioralparadigm_species: species_id TEXT PK2
table bs_behavioralparadigms: id TEXT PK1
table bs_behavioralparadigms: name TEXT NOT NULL
table bs_behavioralparadigms: description TEXT NOT NULL DEFAULT ""
table bs_behavioralparadigms: category_id TEXT
table bs_behavioralparadigms: original_publication TEXT NOT NULL DEFAULT ""
table bs_behavioralparadigms: reference_url TEXT NOT NULL DEFAULT ""
table bs_behavioralparadigms: rrid TEXT
table bs_behavioralparadigms: external_identifiers TEXT NOT NULL DEFAULT "[]"
table bs_behavioralparadigms: created_at datetime
table bs_behavioralparadigms: updated_at datetime
table bs_behaviors: id TEXT PK1
table bs_behaviors: session_id TEXT NOT NULL
table bs_behaviors: setup_id TEXT NOT NULL
table bs_behaviors: behavioralassay_id TEXT NOT NULL
table bs_behaviors: notes TEXT NOT NULL DEFAULT ""
table bs_behaviors: sort_order INTEGER NOT NULL DEFAULT 0
table bs_behaviors: created_at datetime
table bs_behaviors: updated_at datetime
table bs_brainregions: id TEXT PK1
table bs_brainregions: name TEXT NOT NULL
table bs_brainregions: description TEXT NOT NULL DEFAULT ""
table bs_brainregions: acronym TEXT NOT NULL
table bs_brainregions: atlas TEXT NOT NULL
table bs_brainregions: created_at datetime
table bs_brainregions: updated_at datetime
table bs_breedings: id TEXT PK1
table bs_breedings: name TEXT NOT NULL
table bs_breedings: project_id TEXT NOT NULL
table bs_breedings: mother_id TEXT NOT NULL
table bs_breedings: father_id TEXT NOT NULL
table bs_breedings: description TEXT NOT NULL DEFAULT ""
table bs_breedings: tags TEXT NOT NULL DEFAULT "[]"
table bs_breedings: birth_date TEXT
table bs_breedings: start_date TEXT
table bs_breedings: end_date TEXT
table bs_breedings: weaning_date TEXT
table bs_breedings: litter_size INTEGER
table bs_breedings: expected_genotype TEXT NOT NULL DEFAULT ""
table bs_breedings: created_at datetime
table bs_breedings: updated_at datetime
table bs_cohort_subjects: cohort_id TEXT PK1
table bs_cohort_subjects: subject_id TEXT PK2
table bs_cohorts: id TEXT PK1
table bs_cohorts: name TEXT NOT NULL
table bs_cohorts: description TEXT NOT NULL DEFAULT ""
table bs_cohorts: project_id TEXT NOT NULL
table bs_cohorts: tags TEXT NOT NULL DEFAULT "[]"
table bs_cohorts: created_at datetime
table bs_cohorts: updated_at datetime
table bs_collection_sessions: collection_id TEXT PK1
table bs_collection_sessions: session_id TEXT PK2
table bs_collections: id TEXT PK1
table bs_collections: name TEXT NOT NULL
table bs_collections: description TEXT NOT NULL DEFAULT ""
table bs_collections: project_id TEXT NOT NULL
table bs_collections: tags TEXT NOT NULL DEFAULT "[]"
table bs_collections: created_at datetime
table bs_collections: updated_at datetime
table bs_consumables: id TEXT PK1
table bs_consumables: name TEXT NOT NULL
table bs_consumables: description TEXT NOT NULL DEFAULT ""
table bs_consumables: supplier_id TEXT NOT NULL
table bs_consumables: type TEXT NOT NULL DEFAULT ""
table bs_consumables: rrid TEXT
table bs_consumables: external_identifiers TEXT NOT NULL DEFAULT "[]"
table bs_consumables: details TEXT NOT NULL DEFAULT "{}"
table bs_consumables: created_at datetime
table bs_consumables: updated_at datetime
table bs_consumablestocks: id TEXT PK1
table bs_consumablestocks: type TEXT NOT NULL
table bs_consumablestocks: status TEXT NOT NULL DEFAULT "AVAILABLE"
table bs_consumablestocks: notes TEXT NOT NULL DEFAULT ""
table bs_consumablestocks: inventory_id TEXT NOT NULL
table bs_consumablestocks: acquisition_date TEXT
table bs_consumablestocks: expiration_date TEXT
table bs_consumablestocks: storage_location TEXT
table bs_consumablestocks: storage_conditions TEXT
table bs_consumablestocks: intended_use TEXT
table bs_consumablestocks: cost TEXT
table bs_consumablestocks: consumable_id TEXT
table bs_consumablestocks: details TEXT NOT NULL DEFAULT "{}"
table bs_consumablestocks: type_schema_version TEXT NOT NULL DEFAULT ""
table bs_consumablestocks: created_at datetime
table bs_consumablestocks: updated_at datetime
table bs_dataacquisition_equipment: data_acquisition_id TEXT PK1
table bs_dataacquisition_equipment: equipment_id TEXT PK2
table bs_dataacquisition_procedures: data_acquisition_id TEXT PK1
table bs_dataacquisition_procedures: procedure_id TEXT PK2
table bs_dataacquisitions: id TEXT PK1
table bs_dataacquisitions: type TEXT NOT NULL
table bs_dataacquisitions: notes TEXT NOT NULL DEFAULT ""
table bs_dataacquisitions: session_id TEXT NOT NULL
table bs_dataacquisitions: details TEXT NOT NULL DEFAULT "{}"
table bs_dataacquisitions: type_schema_version TEXT NOT NULL DEFAULT ""
table bs_dataacquisitions: image TEXT
table bs_dataacquisitions: sort_order INTEGER NOT NULL DEFAULT 0
table bs_dataacquisitions: created_at datetime
table bs_dataacquisitions: updated_at datetime
table bs_datastorages: id TEXT PK1
table bs_datastorages: name TEXT NOT NULL
table bs_datastorages: location TEXT NOT NULL DEFAULT ""
table bs_datastorages: description TEXT NOT NULL DEFAULT ""
table bs_datastorages: is_public numeric NOT NULL DEFAULT false
table bs_datastorages: data_organization TEXT NOT NULL DEFAULT "[]"
table bs_datastorages: data_protocols TEXT NOT NULL DEFAULT "[]"
table bs_datastorages: owner_id INTEGER NOT NULL
table bs_datastorages: created_at datetime
table bs_datastorages: updated_at datetime
table bs_device_auths: id INTEGER PK1
table bs_device_auths: session_id TEXT NOT NULL
table bs_device_auths: device_code_hash TEXT NOT NULL
table bs_device_auths: user_code TEXT NOT NULL
table bs_device_auths: client_name TEXT NOT NULL DEFAULT ""
table bs_device_auths: status TEXT NOT NULL DEFAULT "pending"
table bs_device_auths: user_id INTEGER
table bs_device_auths: expires_at datetime NOT NULL
table bs_device_auths: created_at datetime
table bs_equipment: id TEXT PK1
table bs_equipment: name TEXT NOT NULL DEFAULT ""
table bs_equipment: type TEXT NOT NULL
table bs_equipment: notes TEXT NOT NULL DEFAULT ""
table bs_equipment: setup_id TEXT NOT NULL
table bs_equipment: date_time datetime
table bs_equipment: consumable_id TEXT
table bs_equipment: hardwaredevice_id TEXT
table bs_equipment: details TEXT NOT NULL DEFAULT "{}"
table bs_equipment: type_schema_version TEXT NOT NULL DEFAULT ""
table bs_equipment: coordinates_system TEXT NOT NULL DEFAULT ""
table bs_equipment: coordinates_details TEXT NOT NULL DEFAULT "{}"
table bs_equipment: coordinates_schema_version TEXT NOT NULL DEFAULT ""
table bs_equipment: created_at datetime
table bs_equipment: updated_at datetime
table bs_hardwaredevices: id TEXT PK1
table bs_hardwaredevices: name TEXT NOT NULL
table bs_hardwaredevices: description TEXT NOT NULL DEFAULT ""
table bs_hardwaredevices: supplier_id TEXT NOT NULL
table bs_hardwaredevices: rrid TEXT
table bs_hardwaredevices: external_identifiers TEXT NOT NULL DEFAULT "[]"
table bs_hardwaredevices: created_at datetime
table bs_hardwaredevices: updated_at datetime
table bs_inventories: id TEXT PK1
table bs_inventories: name TEXT NOT NULL
table bs_inventories: location TEXT NOT NULL DEFAULT ""
table bs_inventories: description TEXT NOT NULL DEFAULT ""
table bs_inventories: is_public numeric NOT NULL DEFAULT false
table bs_inventories: owner_id INTEGER NOT NULL
table bs_inventories: created_at datetime
table bs_inventories: updated_at datetime
table bs_licenses: id TEXT PK1
table bs_licenses: name TEXT NOT NULL
table bs_licenses: type TEXT NOT NULL
table bs_licenses: status TEXT NOT NULL DEFAULT "draft"
table bs_licenses: description TEXT NOT NULL DEFAULT ""
table bs_licenses: country TEXT
table bs_licenses: regulatory_authority_id TEXT
table bs_licenses: license_number TEXT NOT NULL DEFAULT ""
table bs_licenses: valid_from TEXT
table bs_licenses: valid_until TEXT
table bs_licenses: is_public numeric NOT NULL DEFAULT false
table bs_licenses: owner_id INTEGER NOT NULL
table bs_licenses: created_at datetime
table bs_licenses: updated_at datetime
table bs_manipulation_equipment: manipulation_id TEXT PK1
table bs_manipulation_equipment: equipment_id TEXT PK2
table bs_manipulation_procedures: manipulation_id TEXT PK1
table bs_manipulation_procedures: procedure_id TEXT PK2
table bs_manipulations: id TEXT PK1
table bs_manipulations: type TEXT NOT NULL
table bs_manipulations: notes TEXT NOT NULL DEFAULT ""
table bs_manipulations: session_id TEXT NOT NULL
table bs_manipulations: details TEXT NOT NULL DEFAULT "[]"
table bs_manipulations: type_schema_version TEXT NOT NULL DEFAULT ""
table bs_manipulations: sort_order INTEGER NOT NULL DEFAULT 0
table bs_manipulations: created_at datetime
table bs_manipulations: updated_at datetime
table bs_procedure_equipment: procedure_id TEXT PK1
table bs_procedure_equipment: equipment_id TEXT PK2
table bs_procedure_licenses: procedure_id TEXT PK1
table bs_procedure_licenses: license_id TEXT PK2
table bs_procedure_logs: id TEXT PK1
table bs_procedure_logs: type TEXT NOT NULL
table bs_procedure_logs: description TEXT
table bs_procedure_logs: procedure_id TEXT NOT NULL
table bs_procedure_logs: entries TEXT NOT NULL DEFAULT "[]"
table bs_procedure_logs: created_at datetime
table bs_procedure_logs: updated_at datetime
table bs_procedures: id TEXT PK1
table bs_procedures: type TEXT NOT NULL
table bs_procedures: notes TEXT NOT NULL DEFAULT ""
table bs_procedures: subject_id TEXT NOT NULL
table bs_procedures: date_time datetime
table bs_procedures: consumablestock_id TEXT
table bs_procedures: brain_region_id TEXT
table bs_procedures: details TEXT NOT NULL DEFAULT "{}"
table bs_procedures: type_schema_version TEXT NOT NULL DEFAULT ""
table bs_procedures: coordinates_system TEXT NOT NULL DEFAULT ""
table bs_procedures: coordinates_details TEXT NOT NULL DEFAULT "{}"
table bs_procedures: coordinates_schema_version TEXT NOT NULL DEFAULT ""
table bs_procedures: created_at datetime
table bs_procedures: updated_at datetime
table bs_project_members: project_id TEXT PK1
table bs_project_members: user_id INTEGER PK2
table bs_project_members: can_change numeric NOT NULL DEFAULT false
table bs_project_members: is_manager numeric NOT NULL DEFAULT false
table bs_project_members: is_owner numeric NOT NULL DEFAULT false
table bs_projects: id TEXT PK1
table bs_projects: name TEXT NOT NULL
table bs_projects: description TEXT NOT NULL DEFAULT ""
table bs_projects: extra_fields TEXT NOT NULL DEFAULT "{}"
table bs_projects: is_public numeric NOT NULL DEFAULT false
table bs_projects: tags TEXT NOT NULL DEFAULT "[]"
table bs_projects: publications TEXT NOT NULL DEFAULT "[]"
table bs_projects: created_at datetime
table bs_projects: updated_at datetime
table bs_regulatoryauthorities: id TEXT PK1
table bs_regulatoryauthorities: name TEXT NOT NULL
table bs_regulatoryauthorities: abbreviation TEXT NOT NULL DEFAULT ""
table bs_regulatoryauthorities: country TEXT NOT NULL DEFAULT ""
table bs_regulatoryauthorities: authority_type TEXT NOT NULL DEFAULT ""
table bs_regulatoryauthorities: website TEXT NOT NULL DEFAULT ""
table bs_regulatoryauthorities: description TEXT NOT NULL DEFAULT ""
table bs_regulatoryauthorities: is_active numeric NOT NULL DEFAULT true
table bs_regulatoryauthorities: created_at datetime
table bs_regulatoryauthorities: updated_at datetime
table bs_session_datastorages: id TEXT PK1
table bs_session_datastorages: session_id TEXT NOT NULL
table bs_session_datastorages: data_storage_id TEXT NOT NULL
table bs_session_datastorages: sort_order INTEGER NOT NULL DEFAULT 0
table bs_session_projects: session_id TEXT PK1
table bs_session_projects: project_id TEXT PK2
table bs_session_projects: session_name TEXT NOT NULL DEFAULT ""
table bs_sessions: id TEXT PK1
table bs_sessions: name TEXT NOT NULL
table bs_sessions: description TEXT NOT NULL DEFAULT ""
table bs_sessions: date_time datetime
table bs_sessions: extra_fields TEXT NOT NULL DEFAULT "{}"
table bs_sessions: download_links TEXT NOT NULL DEFAULT "[]"
table bs_sessions: tags TEXT NOT NULL DEFAULT "[]"
table bs_sessions: name_used_in_storage TEXT NOT NULL DEFAULT ""
table bs_sessions: created_at datetime
table bs_sessions: updated_at datetime
table bs_setups: id TEXT PK1
table bs_setups: name TEXT NOT NULL
table bs_setups: location TEXT NOT NULL DEFAULT ""
table bs_setups: description TEXT NOT NULL DEFAULT ""
table bs_setups: setup_type_id TEXT NOT NULL
table bs_setups: specifications TEXT NOT NULL DEFAULT "{}"
table bs_setups: is_public numeric NOT NULL DEFAULT false
table bs_setups: owner_id INTEGER NOT NULL
table bs_setups: created_at datetime
table bs_setups: updated_at datetime
table bs_setuptypes: id TEXT PK1
table bs_setuptypes: name TEXT NOT NULL
table bs_setuptypes: description TEXT NOT NULL DEFAULT ""
table bs_setuptypes: category TEXT NOT NULL DEFAULT "U"
table bs_setuptypes: created_at datetime
table bs_setuptypes: updated_at datetime
table bs_species: id TEXT PK1
table bs_species: name TEXT NOT NULL
table bs_species: description TEXT NOT NULL DEFAULT ""
table bs_species: rrid TEXT
table bs_species: external_identifiers TEXT NOT NULL DEFAULT "[]"
table bs_species: created_at datetime
table bs_species: updated_at datetime
table bs_strains: id TEXT PK1
table bs_strains: name TEXT NOT NULL
table bs_strains: description TEXT NOT NULL DEFAULT ""
table bs_strains: species_id TEXT NOT NULL
table bs_strains: rrid TEXT
table bs_strains: external_identifiers TEXT NOT NULL DEFAULT "[]"
table bs_strains: created_at datetime
table bs_strains: updated_at datetime
table bs_subject_licenses: subject_id TEXT PK1
table bs_subject_licenses: license_id TEXT PK2
table bs_subject_logs: id TEXT PK1
table bs_subject_logs: type TEXT NOT NULL
table bs_subject_logs: description TEXT
table bs_subject_logs: subject_id TEXT NOT NULL
table bs_subject_logs: user_id INTEGER
table bs_subject_logs: entries TEXT NOT NULL DEFAULT "[]"
table bs_subject_logs: created_at datetime
table bs_subject_logs: updated_at datetime
table bs_subject_projects: subject_id TEXT PK1
table bs_subject_projects: project_id TEXT PK2
table bs_subjects: id TEXT PK1
table bs_subjects: name TEXT NOT NULL
table bs_subjects: description TEXT NOT NULL DEFAULT ""
table bs_subjects: strain_id TEXT NOT NULL
table bs_subjects: sex TEXT NOT NULL DEFAULT "U"
table bs_subjects: genetic_line TEXT NOT NULL DEFAULT ""
table bs_subjects: genotype TEXT NOT NULL DEFAULT ""
table bs_subjects: subject_identifier TEXT NOT NULL DEFAULT ""
table bs_subjects: supplier_id TEXT
table bs_subjects: breeding_id TEXT
table bs_subjects: birth_date TEXT
table bs_subjects: death_date TEXT
table bs_subjects: status TEXT NOT NULL DEFAULT "active"
table bs_subjects: extra_fields TEXT NOT NULL DEFAULT "{}"
table bs_subjects: tags TEXT NOT NULL DEFAULT "[]"
table bs_subjects: name_used_in_storage TEXT
table bs_subjects: created_at datetime
table bs_subjects: updated_at datetime
table bs_suppliers: id TEXT PK1
table bs_suppliers: name TEXT NOT NULL
table bs_suppliers: description TEXT NOT NULL DEFAULT ""
table bs_suppliers: website TEXT NOT NULL DEFAULT ""
table bs_suppliers: created_at datetime
table bs_suppliers: updated_at datetime
table pending_blobs: id TEXT PK1
table pending_blobs: touched_at datetime NOT NULL
table schema_migrations: version INTEGER PK1
table schema_migrations: name TEXT NOT NULL
table schema_migrations: applied_at datetime NOT NULL
table shared_secrets: name TEXT PK1
table shared_secrets: value BLOB NOT NULL
table tokens: id INTEGER PK1
table tokens: user_id INTEGER NOT NULL
table tokens: hash TEXT NOT NULL
table tokens: prefix TEXT NOT NULL DEFAULT ""
table tokens: name TEXT NOT NULL DEFAULT ""
table tokens: created_at datetime
table tokens: expires_at datetime
table tokens: last_used_at datetime
table users: id INTEGER PK1
table users: email TEXT NOT NULL
table users: password_hash TEXT
table users: staff numeric NOT NULL DEFAULT false
table users: created_at datetime
table web_sessions: id INTEGER PK1
table web_sessions: hash TEXT NOT NULL
table web_sessions: user_id INTEGER NOT NULL
table web_sessions: csrf TEXT NOT NULL
table web_sessions: expires_at datetime NOT NULL
table web_sessions: created_at datetime
fk atlas_annotations.attachment_id -> atlas_attachments.id ON DELETE CASCADE
fk atlas_session_attachments.attachment_id -> atlas_attachments.id ON DELETE CASCADE
fk atlas_session_attachments.session_id -> atlas_sessions.id ON DELETE CASCADE
fk atlas_sessions.owner_id -> users.id ON DELETE CASCADE
fk bs_behavior_subjects.behavior_id -> bs_behaviors.id ON DELETE CASCADE
fk bs_behavior_subjects.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_behavioralassay_licenses.behavioral_assay_id -> bs_behavioralassays.id ON DELETE CASCADE
fk bs_behavioralassay_licenses.license_id -> bs_licenses.id ON DELETE CASCADE
fk bs_behavioralparadigm_species.behavioral_paradigm_id -> bs_behavioralparadigms.id ON DELETE CASCADE
fk bs_behavioralparadigm_species.species_id -> bs_species.id ON DELETE CASCADE
fk bs_behaviors.behavioralassay_id -> bs_behavioralassays.id ON DELETE RESTRICT
fk bs_behaviors.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_behaviors.setup_id -> bs_setups.id ON DELETE RESTRICT
fk bs_breedings.father_id -> bs_subjects.id ON DELETE RESTRICT
fk bs_breedings.mother_id -> bs_subjects.id ON DELETE RESTRICT
fk bs_breedings.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_cohort_subjects.cohort_id -> bs_cohorts.id ON DELETE CASCADE
fk bs_cohort_subjects.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_cohorts.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_collection_sessions.collection_id -> bs_collections.id ON DELETE CASCADE
fk bs_collection_sessions.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_collections.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_consumablestocks.consumable_id -> bs_consumables.id ON DELETE RESTRICT
fk bs_consumablestocks.inventory_id -> bs_inventories.id ON DELETE RESTRICT
fk bs_dataacquisition_equipment.data_acquisition_id -> bs_dataacquisitions.id ON DELETE CASCADE
fk bs_dataacquisition_equipment.equipment_id -> bs_equipment.id ON DELETE CASCADE
fk bs_dataacquisition_procedures.data_acquisition_id -> bs_dataacquisitions.id ON DELETE CASCADE
fk bs_dataacquisition_procedures.procedure_id -> bs_procedures.id ON DELETE CASCADE
fk bs_dataacquisitions.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_datastorages.owner_id -> users.id ON DELETE CASCADE
fk bs_equipment.consumable_id -> bs_consumables.id ON DELETE RESTRICT
fk bs_equipment.hardwaredevice_id -> bs_hardwaredevices.id ON DELETE RESTRICT
fk bs_equipment.setup_id -> bs_setups.id ON DELETE RESTRICT
fk bs_manipulation_equipment.equipment_id -> bs_equipment.id ON DELETE CASCADE
fk bs_manipulation_equipment.manipulation_id -> bs_manipulations.id ON DELETE CASCADE
fk bs_manipulation_procedures.manipulation_id -> bs_manipulations.id ON DELETE CASCADE
fk bs_manipulation_procedures.procedure_id -> bs_procedures.id ON DELETE CASCADE
fk bs_manipulations.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_procedure_equipment.equipment_id -> bs_equipment.id ON DELETE CASCADE
fk bs_procedure_equipment.procedure_id -> bs_procedures.id ON DELETE CASCADE
fk bs_procedure_licenses.license_id -> bs_licenses.id ON DELETE CASCADE
fk bs_procedure_licenses.procedure_id -> bs_procedures.id ON DELETE CASCADE
fk bs_procedure_logs.procedure_id -> bs_procedures.id ON DELETE CASCADE
fk bs_procedures.brain_region_id -> bs_brainregions.id ON DELETE RESTRICT
fk bs_procedures.consumablestock_id -> bs_consumablestocks.id ON DELETE RESTRICT
fk bs_procedures.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_project_members.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_project_members.user_id -> users.id ON DELETE CASCADE
fk bs_session_datastorages.data_storage_id -> bs_datastorages.id ON DELETE CASCADE
fk bs_session_datastorages.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_session_projects.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_session_projects.session_id -> bs_sessions.id ON DELETE CASCADE
fk bs_strains.species_id -> bs_species.id ON DELETE RESTRICT
fk bs_subject_licenses.license_id -> bs_licenses.id ON DELETE CASCADE
fk bs_subject_licenses.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_subject_logs.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_subject_logs.user_id -> users.id ON DELETE SET NULL
fk bs_subject_projects.project_id -> bs_projects.id ON DELETE CASCADE
fk bs_subject_projects.subject_id -> bs_subjects.id ON DELETE CASCADE
fk bs_subjects.strain_id -> bs_strains.id ON DELETE RESTRICT
fk bs_subjects.supplier_id -> bs_suppliers.id ON DELETE RESTRICT
fk tokens.user_id -> users.id ON DELETE CASCADE
fk web_sessions.user_id -> users.id ON DELETE CASCADE
CREATE INDEX `bs_sds_order` ON `bs_session_datastorages`(`session_id`,`sort_order`)
CREATE UNIQUE INDEX `bs_sds_pair` ON `bs_session_datastorages`(`session_id`,`data_storage_id`)
CREATE INDEX `idx_atlas_annotations_attachment_created` ON `atlas_annotations`(`attachment_id`,`created_at`)
CREATE INDEX `idx_atlas_attachments_created_by_id` ON `atlas_attachments`(`created_by_id`)
CREATE UNIQUE INDEX `idx_atlas_links_session_attachment` ON `atlas_session_attachments`(`session_id`,`attachment_id`)
CREATE INDEX `idx_atlas_session_attachments_attachment_id` ON `atlas_session_attachments`(`attachment_id`)
CREATE INDEX `idx_atlas_sessions_owner_created` ON `atlas_sessions`(`owner_id`,`created_at`)
CREATE INDEX `idx_audit_events_at` ON `audit_events`(`at`)
CREATE INDEX `idx_bs_behavior_subjects_subject_id` ON `bs_behavior_subjects`(`subject_id`)
CREATE INDEX `idx_bs_behavioralassay_licenses_license_id` ON `bs_behavioralassay_licenses`(`license_id`)
CREATE INDEX `idx_bs_behavioralassays_behavioral_paradigm_id` ON `bs_behavioralassays`(`behavioral_paradigm_id`)
CREATE INDEX `idx_bs_behavioralassays_created_at` ON `bs_behavioralassays`(`created_at`)
CREATE INDEX `idx_bs_behavioralassays_owner_id` ON `bs_behavioralassays`(`owner_id`)
CREATE INDEX `idx_bs_behavioralassays_setup_type_id` ON `bs_behavioralassays`(`setup_type_id`)
CREATE INDEX `idx_bs_behavioralcategories_created_at` ON `bs_behavioralcategories`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_behavioralcategories_name` ON `bs_behavioralcategories`(`name`)
CREATE INDEX `idx_bs_behavioralcategories_parent_id` ON `bs_behavioralcategories`(`parent_id`)
CREATE INDEX `idx_bs_behavioralparadigm_species_species_id` ON `bs_behavioralparadigm_species`(`species_id`)
CREATE INDEX `idx_bs_behavioralparadigms_category_id` ON `bs_behavioralparadigms`(`category_id`)
CREATE INDEX `idx_bs_behavioralparadigms_created_at` ON `bs_behavioralparadigms`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_behavioralparadigms_name` ON `bs_behavioralparadigms`(`name`)
CREATE INDEX `idx_bs_behaviors_behavioral_assay_id` ON `bs_behaviors`(`behavioralassay_id`)
CREATE INDEX `idx_bs_behaviors_created_at` ON `bs_behaviors`(`created_at`)
CREATE INDEX `idx_bs_behaviors_session_list` ON `bs_behaviors`(`session_id`,`sort_order`,`created_at`,`id`)
CREATE INDEX `idx_bs_behaviors_setup_id` ON `bs_behaviors`(`setup_id`)
CREATE UNIQUE INDEX `idx_bs_brainregions_atlas_acronym` ON `bs_brainregions`(`atlas`,`acronym`)
CREATE UNIQUE INDEX `idx_bs_brainregions_atlas_name` ON `bs_brainregions`(`atlas`,`name`)
CREATE INDEX `idx_bs_brainregions_created_at` ON `bs_brainregions`(`created_at`)
CREATE INDEX `idx_bs_breedings_created_at` ON `bs_breedings`(`created_at`)
CREATE INDEX `idx_bs_breedings_father_id` ON `bs_breedings`(`father_id`)
CREATE INDEX `idx_bs_breedings_mother_id` ON `bs_breedings`(`mother_id`)
CREATE INDEX `idx_bs_breedings_name` ON `bs_breedings`(`name`)
CREATE INDEX `idx_bs_breedings_project_id` ON `bs_breedings`(`project_id`)
CREATE INDEX `idx_bs_cohort_subjects_subject_id` ON `bs_cohort_subjects`(`subject_id`)
CREATE INDEX `idx_bs_cohorts_created_at` ON `bs_cohorts`(`created_at`)
CREATE INDEX `idx_bs_cohorts_name` ON `bs_cohorts`(`name`)
CREATE INDEX `idx_bs_cohorts_project_id` ON `bs_cohorts`(`project_id`)
CREATE INDEX `idx_bs_collection_sessions_session_id` ON `bs_collection_sessions`(`session_id`)
CREATE INDEX `idx_bs_collections_created_at` ON `bs_collections`(`created_at`)
CREATE INDEX `idx_bs_collections_name` ON `bs_collections`(`name`)
CREATE INDEX `idx_bs_collections_project_id` ON `bs_collections`(`project_id`)
CREATE INDEX `idx_bs_consumables_created_at` ON `bs_consumables`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_consumables_name` ON `bs_consumables`(`name`)
CREATE INDEX `idx_bs_consumables_supplier_id` ON `bs_consumables`(`supplier_id`)
CREATE INDEX `idx_bs_consumablestocks_consumable_id` ON `bs_consumablestocks`(`consumable_id`)
CREATE INDEX `idx_bs_consumablestocks_created_at` ON `bs_consumablestocks`(`created_at`)
CREATE INDEX `idx_bs_consumablestocks_inventory_id` ON `bs_consumablestocks`(`inventory_id`)
CREATE INDEX `idx_bs_consumablestocks_type` ON `bs_consumablestocks`(`type`)
CREATE INDEX `idx_bs_dataacquisition_equipment_equipment_id` ON `bs_dataacquisition_equipment`(`equipment_id`)
CREATE INDEX `idx_bs_dataacquisition_procedures_procedure_id` ON `bs_dataacquisition_procedures`(`procedure_id`)
CREATE INDEX `idx_bs_dataacquisitions_created_at` ON `bs_dataacquisitions`(`created_at`)
CREATE INDEX `idx_bs_dataacquisitions_session_list` ON `bs_dataacquisitions`(`session_id`,`sort_order`,`created_at`,`id`)
CREATE INDEX `idx_bs_dataacquisitions_type` ON `bs_dataacquisitions`(`type`)
CREATE INDEX `idx_bs_datastorages_is_public` ON `bs_datastorages`(`is_public`)
CREATE UNIQUE INDEX `idx_bs_datastorages_name` ON `bs_datastorages`(`name`)
CREATE INDEX `idx_bs_datastorages_owner_id` ON `bs_datastorages`(`owner_id`)
CREATE UNIQUE INDEX `idx_bs_device_auths_device_code_hash` ON `bs_device_auths`(`device_code_hash`)
CREATE INDEX `idx_bs_device_auths_expires_at` ON `bs_device_auths`(`expires_at`)
CREATE UNIQUE INDEX `idx_bs_device_auths_session_id` ON `bs_device_auths`(`session_id`)
CREATE UNIQUE INDEX `idx_bs_device_auths_user_code` ON `bs_device_auths`(`user_code`)
CREATE INDEX `idx_bs_device_auths_user_id` ON `bs_device_auths`(`user_id`)
CREATE INDEX `idx_bs_equipment_consumable_id` ON `bs_equipment`(`consumable_id`)
CREATE INDEX `idx_bs_equipment_created_at` ON `bs_equipment`(`created_at`)
CREATE INDEX `idx_bs_equipment_hardware_device_id` ON `bs_equipment`(`hardwaredevice_id`)
CREATE INDEX `idx_bs_equipment_setup_id` ON `bs_equipment`(`setup_id`)
CREATE INDEX `idx_bs_equipment_type` ON `bs_equipment`(`type`)
CREATE INDEX `idx_bs_hardwaredevices_created_at` ON `bs_hardwaredevices`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_hardwaredevices_name` ON `bs_hardwaredevices`(`name`)
CREATE INDEX `idx_bs_hardwaredevices_supplier_id` ON `bs_hardwaredevices`(`supplier_id`)
CREATE INDEX `idx_bs_inventories_created_at` ON `bs_inventories`(`created_at`)
CREATE INDEX `idx_bs_inventories_owner_id` ON `bs_inventories`(`owner_id`)
CREATE INDEX `idx_bs_licenses_created_at` ON `bs_licenses`(`created_at`)
CREATE INDEX `idx_bs_licenses_owner_id` ON `bs_licenses`(`owner_id`)
CREATE INDEX `idx_bs_licenses_regulatory_authority_id` ON `bs_licenses`(`regulatory_authority_id`)
CREATE INDEX `idx_bs_manipulation_equipment_equipment_id` ON `bs_manipulation_equipment`(`equipment_id`)
CREATE INDEX `idx_bs_manipulation_procedures_procedure_id` ON `bs_manipulation_procedures`(`procedure_id`)
CREATE INDEX `idx_bs_manipulations_created_at` ON `bs_manipulations`(`created_at`)
CREATE INDEX `idx_bs_manipulations_session_list` ON `bs_manipulations`(`session_id`,`sort_order`,`created_at`,`id`)
CREATE INDEX `idx_bs_manipulations_type` ON `bs_manipulations`(`type`)
CREATE INDEX `idx_bs_procedure_equipment_equipment_id` ON `bs_procedure_equipment`(`equipment_id`)
CREATE INDEX `idx_bs_procedure_licenses_license_id` ON `bs_procedure_licenses`(`license_id`)
CREATE INDEX `idx_bs_procedure_logs_created_at` ON `bs_procedure_logs`(`created_at`)
CREATE INDEX `idx_bs_procedure_logs_procedure_id` ON `bs_procedure_logs`(`procedure_id`)
CREATE INDEX `idx_bs_procedure_logs_type` ON `bs_procedure_logs`(`type`)
CREATE INDEX `idx_bs_procedures_brain_region_id` ON `bs_procedures`(`brain_region_id`)
CREATE INDEX `idx_bs_procedures_consumable_stock_id` ON `bs_procedures`(`consumablestock_id`)
CREATE INDEX `idx_bs_procedures_created_at` ON `bs_procedures`(`created_at`)
CREATE INDEX `idx_bs_procedures_subject_id` ON `bs_procedures`(`subject_id`)
CREATE INDEX `idx_bs_procedures_type` ON `bs_procedures`(`type`)
CREATE INDEX `idx_bs_project_members_user_id` ON `bs_project_members`(`user_id`)
CREATE INDEX `idx_bs_projects_is_public` ON `bs_projects`(`is_public`)
CREATE UNIQUE INDEX `idx_bs_projects_name` ON `bs_projects`(`name`)
CREATE INDEX `idx_bs_regulatoryauthorities_created_at` ON `bs_regulatoryauthorities`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_regulatoryauthorities_name` ON `bs_regulatoryauthorities`(`name`)
CREATE INDEX `idx_bs_session_datastorages_data_storage_id` ON `bs_session_datastorages`(`data_storage_id`)
CREATE INDEX `idx_bs_session_projects_project_id` ON `bs_session_projects`(`project_id`)
CREATE INDEX `idx_bs_session_projects_project_name` ON `bs_session_projects`(`project_id`,`session_name`,`session_id`)
CREATE INDEX `idx_bs_session_projects_project_session` ON `bs_session_projects`(`project_id`,`session_id`)
CREATE INDEX `idx_bs_sessions_created_at` ON `bs_sessions`(`created_at`)
CREATE INDEX `idx_bs_sessions_date_time` ON `bs_sessions`(`date_time`)
CREATE UNIQUE INDEX `idx_bs_sessions_name` ON `bs_sessions`(`name`)
CREATE INDEX `idx_bs_setups_created_at` ON `bs_setups`(`created_at`)
CREATE INDEX `idx_bs_setups_owner_id` ON `bs_setups`(`owner_id`)
CREATE INDEX `idx_bs_setups_setup_type_id` ON `bs_setups`(`setup_type_id`)
CREATE INDEX `idx_bs_setuptypes_created_at` ON `bs_setuptypes`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_setuptypes_name` ON `bs_setuptypes`(`name`)
CREATE UNIQUE INDEX `idx_bs_species_name` ON `bs_species`(`name`)
CREATE UNIQUE INDEX `idx_bs_strains_name` ON `bs_strains`(`name`)
CREATE INDEX `idx_bs_strains_species_id` ON `bs_strains`(`species_id`)
CREATE INDEX `idx_bs_subject_licenses_license_id` ON `bs_subject_licenses`(`license_id`)
CREATE INDEX `idx_bs_subject_logs_created_at` ON `bs_subject_logs`(`created_at`)
CREATE INDEX `idx_bs_subject_logs_subject_id` ON `bs_subject_logs`(`subject_id`)
CREATE INDEX `idx_bs_subject_logs_type` ON `bs_subject_logs`(`type`)
CREATE INDEX `idx_bs_subject_logs_user_id` ON `bs_subject_logs`(`user_id`)
CREATE INDEX `idx_bs_subject_projects_project_id` ON `bs_subject_projects`(`project_id`)
CREATE INDEX `idx_bs_subject_projects_project_subject` ON `bs_subject_projects`(`project_id`,`subject_id`)
CREATE INDEX `idx_bs_subjects_created_at` ON `bs_subjects`(`created_at`)
CREATE UNIQUE INDEX `idx_bs_subjects_name` ON `bs_subjects`(`name`)
CREATE INDEX `idx_bs_subjects_strain_id` ON `bs_subjects`(`strain_id`)
CREATE INDEX `idx_bs_subjects_supplier_id` ON `bs_subjects`(`supplier_id`)
CREATE UNIQUE INDEX `idx_bs_suppliers_name` ON `bs_suppliers`(`name`)
CREATE INDEX `idx_tokens_expires_at` ON `tokens`(`expires_at`)
CREATE UNIQUE INDEX `idx_tokens_hash` ON `tokens`(`hash`)
CREATE INDEX `idx_tokens_user_id` ON `tokens`(`user_id`)
CREATE UNIQUE INDEX `idx_users_email` ON `users`(`email`)
CREATE INDEX `idx_web_sessions_expires_at` ON `web_sessions`(`expires_at`)
CREATE UNIQUE INDEX `idx_web_sessions_hash` ON `web_sessions`(`hash`)
CREATE INDEX `idx_web_sessions_user_id` ON `web_sessions`(`user_id`)
CREATE TRIGGER bs_session_projects_name AFTER INSERT ON bs_session_projects
			  WHEN NEW.session_name IS NOT (SELECT name FROM bs_sessions WHERE id = NEW.session_id) BEGIN
			   UPDATE bs_session_projects SET session_name = COALESCE((SELECT name FROM bs_sessions WHERE id = NEW.session_id), '')
			    WHERE session_id = NEW.session_id AND project_id = NEW.project_id;
			 END
CREATE TRIGGER bs_session_projects_name_moved AFTER UPDATE OF session_id, session_name ON bs_session_projects
			  WHEN NEW.session_name IS NOT (SELECT name FROM bs_sessions WHERE id = NEW.session_id) BEGIN
			   UPDATE bs_session_projects SET session_name = COALESCE((SELECT name FROM bs_sessions WHERE id = NEW.session_id), '')
			    WHERE session_id = NEW.session_id AND project_id = NEW.project_id;
			 END
CREATE TRIGGER bs_sessions_name_links AFTER UPDATE OF name ON bs_sessions BEGIN
			   UPDATE bs_session_projects SET session_name = NEW.name WHERE session_id = NEW.id;
			 END
