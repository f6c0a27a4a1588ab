record_layouts! {
    Oi = "OI", "Commercial description (OI) record: opens the OI group of an HTS anchor" {
        /// Plain-language (invoice-style) description of the goods on the tariff line that the following PGA data belongs to. Blank = CBP error P02. (confidence V)
        commercial_description COMMERCIAL_DESCRIPTION: Text = 11..=80, X, M .blank("P02");
    } fillers [3..=10]
    Pg00 = "PG00", "PGA substitution record (S start, E end, R reuse of a block)" {
        /// S = start of a reusable substitution group; E = end of that group; R = insert a previously defined group here (codes/pg00-indicators.csv). (confidence T2)
        substitution_indicator SUBSTITUTION_INDICATOR: Text = 5..=5, X, M .codes(CodeList::Pg00Indicators);
        /// Group number 0001-9999, unique within the transaction. Required with S and R; may be blank with E (the chapter's table says mandatory but its own example sends PG00E without a number). (confidence T2)
        substitution_number SUBSTITUTION_NUMBER: Text = 6..=9, AN, C;
    } fillers [10..=80]
    Pg01 = "PG01", "PGA line record: government agency, program and processing codes, disclaimer" {
        /// Sequence of this PGA data set under its OI, counted per agency: 001 for the first PG01 of an agency, +1 for each further PG01 of the same agency. Blank = CBP error P04. (confidence V)
        pga_line_number PGA_LINE_NUMBER: Int = 5..=7, N, M .blank("P04");
        /// Government agency that receives the data (CATAIR Appendix V), e.g. AMS, FDA, APH, EPA, NMF, FSI, NHT. Blank = CBP error P05. (confidence V)
        agency_code AGENCY_CODE: Text = 8..=10, AN, M .blank("P05");
        /// Agency program (Appendix PGA), left-justified; AMS organic = 'OR' plus one space. Transcribed as class X; emit A-Z/0-9 only. Missing/invalid = CBP error P06. (confidence V)
        program_code PROGRAM_CODE: Text = 11..=13, X, M .blank("P06");
        /// Agency processing code within the program (Appendix PGA), left-justified. AMS uses a single digit: program OR + processing 1 = OR1, OR + 2 = OR2. (confidence V)
        processing_code PROCESSING_CODE: Text = 14..=16, AN, C;
        /// Y when supporting images are being sent to the agency through DIS; otherwise blank. Only Y is a valid value. (confidence V)
        electronic_image_submitted ELECTRONIC_IMAGE_SUBMITTED: Text = 17..=17, A, C .values(&["Y"]);
        /// Y when the filer asks the agency to treat the data as confidential; otherwise blank. Only Y is a valid value. (confidence V)
        confidential_information_indicator CONFIDENTIAL_INFORMATION_INDICATOR: Text = 18..=18, A, C .values(&["Y"]);
        /// Kind of globally unique product identifier in global_product_id (GTIN/UPC family; Appendix PGA). (confidence T2)
        global_product_id_qualifier GLOBAL_PRODUCT_ID_QUALIFIER: Text = 19..=22, AN, C;
        /// Globally unique product identifier (e.g. GTIN). Codes that are not globally unique go in PG02. (confidence T2)
        global_product_id GLOBAL_PRODUCT_ID: Text = 23..=41, X, C;
        /// Intended use from CATAIR Appendix R in dotted form NNN.NNN (base code, period, sub code), left-justified, e.g. 230.000. (confidence V)
        intended_use_code INTENDED_USE_CODE: Text = 42..=57, X, C;
        /// Free-text intended use; required when the 'for other use' code 980.000 is sent (else CBP error P08). Older chapter editions gave 58-79 to this field. (confidence T2)
        intended_use_description INTENDED_USE_DESCRIPTION: Text = 58..=78, X, C;
        /// Used only in PGA data correction submissions; value list is in Appendix PGA and was not obtained. Blank otherwise. To be confirmed. (confidence T2)
        correction_indicator CORRECTION_INDICATOR: Text = 79..=79, X, C;
        /// Why no PGA data is sent for this agency (codes/disclaimer.csv). When present, the set consists of OI + PG01 only. AMS accepts only A. (confidence V)
        disclaimer_code DISCLAIMER_CODE: Text = 80..=80, A, C .codes(CodeList::Disclaimer);
    } fillers []
    Pg02 = "PG02", "Government agency product code record (item type P / C)" {
        /// P = the product as a whole (first and only one per PGA line); C = a component of it. Invalid = CBP error P07. (confidence V)
        item_type ITEM_TYPE: Text = 5..=5, A, M .values(&["P", "C"]) .cbp("P07");
        /// Kind of product code in product_code_number_1 (e.g. FDP FDA product code, UNS UNSPSC, CAS, SKU; Appendix PGA). (confidence V)
        product_code_qualifier_1 PRODUCT_CODE_QUALIFIER_1: Text = 6..=9, AN, C;
        /// First product code. (confidence V)
        product_code_number_1 PRODUCT_CODE_NUMBER_1: Text = 10..=28, X, C;
        /// Kind of product code in product_code_number_2. (confidence T2)
        product_code_qualifier_2 PRODUCT_CODE_QUALIFIER_2: Text = 29..=32, AN, C;
        /// Second product code. (confidence T2)
        product_code_number_2 PRODUCT_CODE_NUMBER_2: Text = 33..=51, X, C;
        /// Kind of product code in product_code_number_3. (confidence T2)
        product_code_qualifier_3 PRODUCT_CODE_QUALIFIER_3: Text = 52..=55, AN, C;
        /// Third product code. (confidence T2)
        product_code_number_3 PRODUCT_CODE_NUMBER_3: Text = 56..=74, X, C;
    } fillers [75..=80]
    Pg04 = "PG04", "Product constituent element record" {
        /// Constituent / active-ingredient qualifier (Y seen in vendor traffic). (confidence V)
        constituent_qualifier CONSTITUENT_QUALIFIER: Text = 5..=5, A, C;
        /// Name of the constituent element or active ingredient. (confidence V)
        constituent_name CONSTITUENT_NAME: Text = 6..=56, X, C;
        /// Quantity of the constituent; 2 implied decimals. (confidence T1)
        quantity QUANTITY: Dec<2> = 57..=68, N, C;
        /// Unit of measure of quantity (Appendix PGA / B). (confidence T1)
        unit_of_measure UNIT_OF_MEASURE: Text = 69..=73, AN, C;
        /// Percentage of the constituent; 4 implied decimals (100 % = 1000000). (confidence V)
        percent PERCENT: Dec<4> = 74..=80, N, C;
    } fillers []
    Pg05 = "PG05", "Scientific name record" {
        /// Scientific genus name. (confidence T1)
        genus_name GENUS_NAME: Text = 5..=26, X, C;
        /// Scientific species name. (confidence T1)
        species_name SPECIES_NAME: Text = 27..=48, X, C;
        /// Scientific sub-species name. (confidence T1)
        subspecies_name SUBSPECIES_NAME: Text = 49..=66, X, C;
        /// Scientific species code (Appendix PGA). (confidence V)
        scientific_species_code SCIENTIFIC_SPECIES_CODE: Text = 67..=73, AN, C;
        /// Fish and Wildlife Service wildlife description code. (confidence T1)
        fws_description_code FWS_DESCRIPTION_CODE: Text = 74..=80, AN, C;
    } fillers []
    Pg06 = "PG06", "Product origin (source) record" {
        /// What the country in country_code means (source, production, harvest, processing ...; Appendix PGA). Missing/invalid = CBP errors P10/P11. (confidence V)
        source_type_code SOURCE_TYPE_CODE: Text = 5..=7, AN, M .blank("P10");
        /// ISO 3166 alpha-2 country code; XZ / ZZ are special values (high seas / Lacey). (confidence V)
        country_code COUNTRY_CODE: Text = 8..=9, X, C;
        /// Geographic location within the country (free text). (confidence V)
        geographic_location GEOGRAPHIC_LOCATION: Text = 10..=29, X, C;
        /// Processing start date. (confidence V)
        processing_start_date PROCESSING_START_DATE: Date8 = 30..=37, N, C;
        /// Processing end date. (confidence T2)
        processing_end_date PROCESSING_END_DATE: Date8 = 38..=45, N, C;
        /// Processing type (Appendix PGA). (confidence V)
        processing_type_code PROCESSING_TYPE_CODE: Text = 46..=50, AN, C;
        /// Processing description (required with some processing types; CBP error P27). (confidence T2)
        processing_description PROCESSING_DESCRIPTION: Text = 51..=80, X, C;
    } fillers []
    Pg07 = "PG07", "Trade / brand name and model record" {
        /// Trade or brand name. (confidence V)
        trade_name TRADE_NAME: Text = 5..=39, X, C;
        /// Model designation. (confidence T2)
        model MODEL: Text = 40..=54, X, C;
        /// Month and year of manufacture; month 00 when only the year is known. (confidence T2)
        manufacture_month_year MANUFACTURE_MONTH_YEAR: MonthYear6 = 55..=60, N, C;
        /// Kind of item identity number (e.g. VIN; Appendix PGA). Missing/invalid = CBP error P35. (confidence T2)
        item_identity_qualifier ITEM_IDENTITY_QUALIFIER: Text = 61..=63, AN, C;
        /// Item identity number (e.g. VIN, serial number). (confidence T2)
        item_identity_number ITEM_IDENTITY_NUMBER: Text = 64..=80, X, C;
    } fillers []
    Pg08 = "PG08", "Item identity numbers record" {
        /// Additional item identity number 1 (same qualifier as the parent PG07). (confidence T2)
        item_identity_number_1 ITEM_IDENTITY_NUMBER_1: Text = 5..=21, X, C;
        /// Additional item identity number 2. (confidence T2)
        item_identity_number_2 ITEM_IDENTITY_NUMBER_2: Text = 22..=38, X, C;
        /// Additional item identity number 3. (confidence T2)
        item_identity_number_3 ITEM_IDENTITY_NUMBER_3: Text = 39..=55, X, C;
        /// Additional item identity number 4. (confidence T2)
        item_identity_number_4 ITEM_IDENTITY_NUMBER_4: Text = 56..=72, X, C;
    } fillers [73..=80]
    Pg10 = "PG10", "Product characteristics record" {
        /// Agency-defined category scheme (Appendix PGA). (confidence T2)
        category_type_code CATEGORY_TYPE_CODE: Text = 5..=10, AN, C;
        /// Category value within category_type_code. (confidence T2)
        category_code CATEGORY_CODE: Text = 11..=15, AN, C;
        /// Further qualification of the commodity. (confidence T2)
        commodity_qualifier_code COMMODITY_QUALIFIER_CODE: Text = 16..=19, X, C;
        /// Names the characteristic described in characteristic_description. (confidence T2)
        characteristic_qualifier CHARACTERISTIC_QUALIFIER: Text = 20..=23, AN, C;
        /// Characteristic value or free text. AMS (incl. OR1) sends the product's commercial / label description here with 5-23 blank. (confidence V)
        characteristic_description CHARACTERISTIC_DESCRIPTION: Text = 24..=80, X, C;
    } fillers []
    Pg13 = "PG13", "LPCO issuer record" {
        /// Name of the body that issued the licence, permit, certificate or other document (LPCO). (confidence V)
        issuer_name ISSUER_NAME: Text = 5..=39, X, C;
        /// Kind of code in issuer_location_code (ISO seen in vendor software; PR seen in AMS vendor output). Code list not obtained. (confidence V)
        issuer_geographic_code_qualifier ISSUER_GEOGRAPHIC_CODE_QUALIFIER: Text = 40..=42, A, C .codes(CodeList::Pg13IssuerLocationQualifiers);
        /// Country (ISO) or US/CA/MX state or province code of the issuer. (confidence T1)
        issuer_location_code ISSUER_LOCATION_CODE: Text = 43..=45, A, C;
        /// Free-text region of the issuing body within that country. (confidence T1)
        issuer_region_description ISSUER_REGION_DESCRIPTION: Text = 46..=70, X, C;
    } fillers [71..=80]
    Pg14 = "PG14", "LPCO details record (licence, permit, certificate or other; the NOP Import Certificate for AMS OR)" {
        /// How the document is used: 1 single use, 2 continuous / multiple use, 3 general (codes/lpco-transaction-types.csv). (confidence V)
        lpco_transaction_type LPCO_TRANSACTION_TYPE: Int = 5..=5, N, C .codes(CodeList::LpcoTransactionTypes);
        /// Agency document type (Appendix PGA), e.g. AM1 (used by vendors for the NOP import certificate), AM3, NM4, EP8. (confidence V)
        lpco_type LPCO_TYPE: Text = 6..=8, AN, C;
        /// Document number or name, left-justified. AMS OR: the 21-character NOP import certificate number including hyphens, or a special code. (confidence V)
        lpco_number LPCO_NUMBER: Text = 9..=41, X, C;
        /// Meaning of lpco_date: 1 expiration, 2 effective, 3 issued/signed, 4 application received (codes/lpco-date-qualifiers.csv). (confidence V)
        lpco_date_qualifier LPCO_DATE_QUALIFIER: Int = 42..=42, N, C .codes(CodeList::LpcoDateQualifiers);
        /// Date qualified by lpco_date_qualifier. (confidence V)
        lpco_date LPCO_DATE: Date8 = 43..=50, N, C;
        /// Quantity covered by or drawn against the document; 4 implied decimals (40000 LB = 0000000400000000). (confidence V)
        quantity QUANTITY: Dec<4> = 51..=66, N, C;
        /// Unit of measure of quantity. (confidence V)
        unit_of_measure UNIT_OF_MEASURE: Text = 67..=71, AN, C;
        /// Agency exemption code, when an exemption is claimed instead of a document. (confidence T1)
        exemption_code EXEMPTION_CODE: Text = 72..=80, X, C;
    } fillers []
    Pg17 = "PG17", "Wildlife common name record" {
        /// Specific common name of the wildlife. (confidence T1)
        common_name_specific COMMON_NAME_SPECIFIC: Text = 5..=34, X, C;
        /// General common name of the wildlife. (confidence T1)
        common_name_general COMMON_NAME_GENERAL: Text = 35..=64, X, C;
        /// Live venomous wildlife indicator code. (confidence T1)
        live_venomous_wildlife_code LIVE_VENOMOUS_WILDLIFE_CODE: Text = 65..=65, A, C;
        /// Number of cartons containing wildlife. (confidence T1)
        cartons_containing_wildlife CARTONS_CONTAINING_WILDLIFE: Int = 66..=70, N, C;
    } fillers [71..=80]
    Pg18 = "PG18", "Hazardous material record" {
        /// UN dangerous-goods number. (confidence T1)
        un_number UN_NUMBER: Text = 5..=14, AN, C;
        /// Hazard class or division. (confidence T1)
        hazard_class_code HAZARD_CLASS_CODE: Text = 15..=18, X, C;
        /// EPA hazardous waste code. (confidence T1)
        epa_hazardous_waste_code EPA_HAZARDOUS_WASTE_CODE: Text = 19..=22, AN, C;
        /// Description of the hazardous material. (confidence T1)
        hazardous_material_description HAZARDOUS_MATERIAL_DESCRIPTION: Text = 23..=72, X, C;
        /// Packing group 1, 2 or 3. (confidence T1)
        packing_group_code PACKING_GROUP_CODE: Int = 73..=73, N, C .values(&["1", "2", "3"]);
    } fillers [74..=80]
    Pg19 = "PG19", "Entity data record: opens an entity loop (role, identification, name, address line 1)" {
        /// Role of the party (codes/entity-roles.csv). AMS OR: EX, UC, ORI, ORP, ORC (+ AP1, CB). Missing/invalid = CBP errors P12/P13. (confidence V)
        entity_role_code ENTITY_ROLE_CODE: Text = 5..=7, AN, M .blank("P12");
        /// Kind of identifier in entity_number (e.g. 16 DUNS, 47 FDA FEI). Certified vendor traffic sends 331 with AMS NOP IDs; meaning of 331 not confirmed. (confidence V)
        entity_identification_code ENTITY_IDENTIFICATION_CODE: Text = 8..=10, AN, C;
        /// The party's identifier (DUNS, FEI, FIRMS code, NOP ID ...). AMS OR: the NOP ID (3-character certifier ID or 10-digit operation ID). (confidence V)
        entity_number ENTITY_NUMBER: Text = 11..=25, X, C;
        /// Party name. Missing where the agency requires it = CBP error P09. (confidence V)
        entity_name ENTITY_NAME: Text = 26..=57, X, C;
        /// First street-address line. (confidence V)
        address_line_1 ADDRESS_LINE_1: Text = 58..=80, X, C;
    } fillers []
    Pg20 = "PG20", "Entity address record" {
        /// Second street-address line of the entity in the preceding PG19. (confidence V)
        address_line_2 ADDRESS_LINE_2: Text = 5..=36, X, C;
        /// Apartment or suite number. (confidence V)
        apartment_suite_number APARTMENT_SUITE_NUMBER: Text = 37..=41, X, C;
        /// City. (confidence V)
        city CITY: Text = 42..=62, X, C;
        /// State / province code (Appendix B), left-justified. (confidence V)
        state_province_code STATE_PROVINCE_CODE: Text = 63..=65, AN, C;
        /// ISO 3166 alpha-2 country code. (confidence V)
        country_code COUNTRY_CODE: Text = 66..=67, A, C;
        /// ZIP or postal code; text (leading zeros are significant). (confidence V)
        postal_code POSTAL_CODE: Text = 68..=76, X, C;
    } fillers [77..=80]
    Pg21 = "PG21", "Individual point of contact record" {
        /// Individual qualifier: the person's role, taken from the entity role code list; may be blank (AMS OR vendor traffic sends blank). (confidence V)
        individual_role_code INDIVIDUAL_ROLE_CODE: Text = 5..=7, AN, C;
        /// Name of the contact person. (confidence V)
        individual_name INDIVIDUAL_NAME: Text = 8..=30, X, C;
        /// Telephone number, free format (digits, +, -, parentheses). (confidence V)
        telephone_number TELEPHONE_NUMBER: Text = 31..=45, X, C;
        /// E-mail address or fax number of the contact person. (confidence V)
        email_or_fax EMAIL_OR_FAX: Text = 46..=80, X, C;
    } fillers []
    Pg22 = "PG22", "Affirmation / declaration record" {
        /// Y when the importer holds a substantiating / signed document required for the product. (confidence V)
        substantiating_document_indicator SUBSTANTIATING_DOCUMENT_INDICATOR: Text = 5..=5, A, C .values(&["Y"]);
        /// Type of document or agency form being certified (Appendix PGA). AMS OR1 vendor traffic sends 16 (meaning not confirmed). (confidence V)
        document_identifier DOCUMENT_IDENTIFIER: Text = 6..=12, AN, C;
        /// Box number on the agency form that is being declared (e.g. 2B). (confidence V)
        conformance_declaration CONFORMANCE_DECLARATION: Text = 13..=17, X, C;
        /// Role of the party making the declaration (PG19 role codes); that party must be present as a PG19 loop. AMS OR1 vendor traffic: CI. (confidence V)
        entity_role_code ENTITY_ROLE_CODE: Text = 18..=20, AN, C;
        /// Declaration / conformance criterion (Appendix PGA). AMS OR1: AM4 Organic Product Certification Statement. Missing/invalid = CBP error P36. (confidence V)
        declaration_code DECLARATION_CODE: Text = 21..=24, AN, C;
        /// Y when the party certifies the data or the signature is on file. (confidence V)
        declaration_certification DECLARATION_CERTIFICATION: Text = 25..=25, A, C .values(&["Y"]);
        /// Date of signature. (confidence T2)
        signature_date SIGNATURE_DATE: Date8 = 26..=33, N, C;
        /// Invoice number. (confidence T2)
        invoice_number INVOICE_NUMBER: Text = 34..=50, X, C;
        /// Free-text compliance description (used when the form has no box numbers). (confidence T2)
        compliance_description COMPLIANCE_DESCRIPTION: Text = 51..=80, X, C;
    } fillers []
    Pg23 = "PG23", "Affirmation of compliance record" {
        /// Affirmation of compliance code (Appendix PGA; mainly FDA, e.g. FCE, VES). Missing/invalid = CBP errors P14/P15. (confidence T2)
        affirmation_of_compliance_code AFFIRMATION_OF_COMPLIANCE_CODE: Text = 5..=9, X, M .blank("P14");
        /// Value affirmed by the code (registration number, name ...). (confidence T2)
        affirmation_of_compliance_qualifier AFFIRMATION_OF_COMPLIANCE_QUALIFIER: Text = 10..=79, X, C;
    } fillers [80..=80]
    Pg24 = "PG24", "Remarks record" {
        /// Category of remark (Appendix PGA). AMS OR vendor traffic: AM1. Missing/invalid where required = CBP error P38. (confidence V)
        remarks_type_code REMARKS_TYPE_CODE: Text = 5..=7, AN, C;
        /// Coded remark, left-justified. AMS OR: A10 certified to the USDA organic standard, A11 certified to an equivalent standard (codes/ams-or-remarks.csv). (confidence V)
        remarks_code REMARKS_CODE: Text = 8..=12, AN, C;
        /// Free-text remark. Code and text both blank = CBP error P41. (confidence V)
        remarks_text REMARKS_TEXT: Text = 13..=80, X, C;
    } fillers []
    Pg25 = "PG25", "Product condition, lot and value record" {
        /// Storage / transport temperature state (codes/temperature-qualifiers.csv). (confidence V)
        temperature_qualifier TEMPERATURE_QUALIFIER: Text = 5..=5, A, C .codes(CodeList::TemperatureQualifiers);
        /// Temperature scale: F Fahrenheit, C Celsius, K Kelvin. (confidence V)
        degree_type DEGREE_TYPE: Text = 6..=6, A, C .codes(CodeList::DegreeTypes);
        /// X when actual_temperature is below zero; otherwise blank. (confidence V)
        negative_temperature_indicator NEGATIVE_TEMPERATURE_INDICATOR: Text = 7..=7, A, C .values(&["X"]);
        /// Temperature magnitude; 2 implied decimals; sign carried in position 7. (confidence V)
        actual_temperature ACTUAL_TEMPERATURE: Dec<2> = 8..=13, N, C;
        /// Where the temperature was recorded (A/B/C; meanings not obtained). (confidence V)
        temperature_location_code TEMPERATURE_LOCATION_CODE: Text = 14..=14, A, C .codes(CodeList::Pg25TemperatureLocations);
        /// Who assigned the lot number: 1 manufacturer, 2 seller, 3 grower, 4 producer (codes/lot-number-qualifiers.csv). (confidence V)
        lot_number_qualifier LOT_NUMBER_QUALIFIER: Text = 15..=15, AN, C .codes(CodeList::LotNumberQualifiers);
        /// Lot number, left-justified. AMS OR: one PG25 per lot. (confidence V)
        lot_number LOT_NUMBER: Text = 16..=40, X, C;
        /// Production start date of the lot. (confidence T2)
        lot_production_start_date LOT_PRODUCTION_START_DATE: Date8 = 41..=48, N, C;
        /// Production end date of the lot. (confidence T2)
        lot_production_end_date LOT_PRODUCTION_END_DATE: Date8 = 49..=56, N, C;
        /// Value of the PGA line in whole US dollars. (confidence T2)
        pga_line_value PGA_LINE_VALUE: Int = 57..=68, N, C;
        /// Unit value in US dollars; 2 implied decimals. (confidence T2)
        pga_unit_value PGA_UNIT_VALUE: Dec<2> = 69..=80, N, C;
    } fillers []
    Pg26 = "PG26", "Packaging record" {
        /// Packaging level, 1 = outermost ... 6 = innermost (codes/packaging-qualifiers.csv). Missing/invalid = CBP errors P16/P17. (confidence V)
        packaging_qualifier PACKAGING_QUALIFIER: Int = 5..=5, N, M .blank("P16") .codes(CodeList::PackagingQualifiers) .cbp("P17");
        /// Number of units at this level; 2 implied decimals (1000 = 000000100000). (confidence V)
        quantity QUANTITY: Dec<2> = 6..=17, N, C;
        /// Unit of measure at this packaging level (e.g. CS, CT, LB, NO). (confidence V)
        unit_of_measure UNIT_OF_MEASURE: Text = 18..=22, X, C;
        /// Marks and numbers of the packages (not the lot number). (confidence T2)
        package_identifier PACKAGE_IDENTIFIER: Text = 23..=47, X, C;
        /// Packaging / shipping-unit method code (Appendix B). (confidence T2)
        packaging_method_code PACKAGING_METHOD_CODE: Text = 48..=50, AN, C;
        /// Package material. (confidence T2)
        package_material PACKAGE_MATERIAL: Text = 51..=65, X, C;
        /// Material used to fill the package (chapter name: 'package filler'). (confidence T2)
        packing_fill_material PACKING_FILL_MATERIAL: Text = 66..=80, X, C;
    } fillers []
    Pg27 = "PG27", "Container information record" {
        /// First shipping container number. Missing = CBP error P18. (confidence V)
        container_number_1 CONTAINER_NUMBER_1: Text = 5..=24, AN, M .blank("P18");
        /// Type of container 1 (1 or 2; vendor reading: 1 refrigerated, 2 not refrigerated - unconfirmed). (confidence V)
        container_type_1 CONTAINER_TYPE_1: Int = 25..=25, N, C .codes(CodeList::ContainerTypes);
        /// Length of container 1 in feet (e.g. 40). (confidence V)
        container_length_1 CONTAINER_LENGTH_1: Int = 26..=27, N, C;
        /// Second container number. (confidence V)
        container_number_2 CONTAINER_NUMBER_2: Text = 28..=47, AN, C;
        /// Type of container 2. (confidence V)
        container_type_2 CONTAINER_TYPE_2: Int = 48..=48, N, C .codes(CodeList::ContainerTypes);
        /// Length of container 2. (confidence T1)
        container_length_2 CONTAINER_LENGTH_2: Int = 49..=50, N, C;
        /// Third container number. (confidence T1)
        container_number_3 CONTAINER_NUMBER_3: Text = 51..=70, AN, C;
        /// Type of container 3. (confidence T1)
        container_type_3 CONTAINER_TYPE_3: Int = 71..=71, N, C .codes(CodeList::ContainerTypes);
        /// Length of container 3. (confidence T1)
        container_length_3 CONTAINER_LENGTH_3: Int = 72..=73, N, C;
    } fillers [74..=80]
    Pg28 = "PG28", "Additional product information record (can dimensions, tracking number)" {
        /// First can dimension (low-acid canned food). (confidence T1)
        can_dimension_1 CAN_DIMENSION_1: Int = 5..=8, N, C;
        /// Second can dimension. (confidence T1)
        can_dimension_2 CAN_DIMENSION_2: Int = 9..=12, N, C;
        /// Third can dimension. (confidence T1)
        can_dimension_3 CAN_DIMENSION_3: Int = 13..=16, N, C;
        /// Kind of package tracking number (courier). (confidence T1)
        tracking_number_code TRACKING_NUMBER_CODE: Text = 17..=20, AN, C;
        /// Package tracking number. (confidence T1)
        tracking_number TRACKING_NUMBER: Text = 21..=70, AN, C;
    } fillers [71..=80]
    Pg29 = "PG29", "Product quantity record" {
        /// Unit of quantity_line_net (precedes the quantity). AMS OR: KG. (confidence V)
        unit_of_measure_line_net UNIT_OF_MEASURE_LINE_NET: Text = 5..=7, AN, C;
        /// Net quantity of the whole PGA line; 2 implied decimals (12.34 = 000000001234). AMS OR: organic net weight in kilograms. (confidence V)
        quantity_line_net QUANTITY_LINE_NET: Dec<2> = 8..=19, N, C;
        /// Unit of quantity_line_gross. (confidence T1)
        unit_of_measure_line_gross UNIT_OF_MEASURE_LINE_GROSS: Text = 20..=22, AN, C;
        /// Gross quantity of the PGA line; 2 implied decimals. (confidence T1)
        quantity_line_gross QUANTITY_LINE_GROSS: Dec<2> = 23..=34, N, C;
        /// Unit of quantity_individual_net. (confidence T1)
        unit_of_measure_individual_net UNIT_OF_MEASURE_INDIVIDUAL_NET: Text = 35..=37, AN, C;
        /// Net quantity of one individual unit; 2 implied decimals. (confidence T1)
        quantity_individual_net QUANTITY_INDIVIDUAL_NET: Dec<2> = 38..=49, N, C;
        /// Unit of quantity_individual_gross. (confidence T1)
        unit_of_measure_individual_gross UNIT_OF_MEASURE_INDIVIDUAL_GROSS: Text = 50..=52, AN, C;
        /// Gross quantity of one individual unit; 2 implied decimals. (confidence T1)
        quantity_individual_gross QUANTITY_INDIVIDUAL_GROSS: Dec<2> = 53..=64, N, C;
    } fillers [65..=80]
    Pg30 = "PG30", "Inspection / laboratory testing record" {
        /// Inspection / laboratory / arrival status (codes/inspection-status.csv). Missing/invalid = CBP errors P19/P20. (confidence V)
        inspection_status INSPECTION_STATUS: Text = 5..=5, A, M .blank("P19") .codes(CodeList::InspectionStatus) .cbp("P20");
        /// Requested or scheduled inspection date, or anticipated arrival date, depending on inspection_status. (confidence V)
        inspection_arrival_date INSPECTION_ARRIVAL_DATE: Date8 = 6..=13, N, C;
        /// Time for that date, 24-hour clock. (confidence V)
        inspection_arrival_time INSPECTION_ARRIVAL_TIME: Hhmm = 14..=17, N, C;
        /// FIRMS or facility code of the inspection / arrival location. (confidence V)
        location_code LOCATION_CODE: Text = 18..=21, AN, C;
        /// Location address or instructions, free text. (confidence V)
        location_description LOCATION_DESCRIPTION: Text = 22..=71, X, C;
    } fillers [72..=80]
    Pg31 = "PG31", "Vessel / harvest characteristics record" {
        /// Kind of harvesting-vessel characteristic (e.g. VNM name, VCR flag). Missing/invalid = CBP errors P21/P22. (confidence T1)
        vessel_characteristic_type_code VESSEL_CHARACTERISTIC_TYPE_CODE: Text = 5..=7, AN, M .blank("P21");
        /// The characteristic value. Missing = CBP error P39. (confidence T1)
        vessel_characteristic VESSEL_CHARACTERISTIC: Text = 8..=42, X, M .blank("P39");
        /// Unit of harvested_net_weight. (confidence T1)
        unit_of_measure UNIT_OF_MEASURE: Text = 43..=45, AN, C;
        /// Harvested commodity net weight; 2 implied decimals. (confidence T1)
        harvested_net_weight HARVESTED_NET_WEIGHT: Dec<2> = 46..=55, N, C;
    } fillers [56..=80]
    Pg32 = "PG32", "Routing record" {
        /// Kind of commodity routing step. Missing/invalid = CBP errors P23/P24. (confidence T1)
        routing_type_code ROUTING_TYPE_CODE: Text = 5..=7, AN, M .blank("P23");
        /// ISO 3166 alpha-2 country of the routing step. (confidence T1)
        country_code COUNTRY_CODE: Text = 8..=9, A, C;
        /// Kind of political sub-unit identified next. (confidence T1)
        political_subunit_qualifier POLITICAL_SUBUNIT_QUALIFIER: Text = 10..=12, AN, C;
        /// Political sub-unit number. Missing where required = CBP error P30. (confidence T1)
        political_subunit_number POLITICAL_SUBUNIT_NUMBER: Text = 13..=21, X, C;
        /// Political sub-unit name. (confidence T1)
        political_subunit_name POLITICAL_SUBUNIT_NAME: Text = 22..=76, X, C;
    } fillers [77..=80]
    Pg33 = "PG33", "Geographic area record" {
        /// Catch / geographic area code. Missing or invalid = CBP error P31. (confidence T1)
        geographic_area_code GEOGRAPHIC_AREA_CODE: Text = 5..=13, X, C;
        /// Catch / geographic area name. (confidence T1)
        geographic_area_name GEOGRAPHIC_AREA_NAME: Text = 14..=78, X, C;
    } fillers [79..=80]
    Pg34 = "PG34", "Travel document record" {
        /// Kind of travel document. Missing/invalid = CBP errors P25/P26. (confidence T1)
        travel_document_type_code TRAVEL_DOCUMENT_TYPE_CODE: Text = 5..=7, AN, M .blank("P25") .codes(CodeList::Pg34TravelDocumentTypes) .cbp("P26") .advisory();
        /// ISO 3166 alpha-2 nationality on the document. (confidence T1)
        nationality_country_code NATIONALITY_COUNTRY_CODE: Text = 8..=9, A, C;
        /// Travel document number. (confidence T1)
        travel_document_number TRAVEL_DOCUMENT_NUMBER: Text = 10..=44, X, C;
    } fillers [45..=80]
    Pg35 = "PG35", "Bond record" {
        /// Surety code of the DOT conformance bond. (confidence T2)
        surety_code SURETY_CODE: Text = 5..=7, AN, C;
        /// Bond serial number. (confidence T2)
        bond_serial_number BOND_SERIAL_NUMBER: Text = 8..=37, X, C;
        /// 1 single-transaction bond, 2 continuous bond. (confidence T2)
        bond_qualifier BOND_QUALIFIER: Int = 38..=38, N, C .values(&["1", "2"]);
        /// Bond amount in whole US dollars. (confidence T2)
        bond_amount BOND_AMOUNT: Int = 39..=46, N, C;
    } fillers [47..=80]
    Pg50 = "PG50", "Grouping start record" {
    } fillers [5..=80]
    Pg51 = "PG51", "Grouping end record" {
    } fillers [5..=80]
    Pg55 = "PG55", "Additional entity roles record" {
        /// Additional role number 1 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence V)
        entity_role_code_1 ENTITY_ROLE_CODE_1: Text = 5..=7, AN, C;
        /// Additional role number 2 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_2 ENTITY_ROLE_CODE_2: Text = 8..=10, AN, C;
        /// Additional role number 3 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_3 ENTITY_ROLE_CODE_3: Text = 11..=13, AN, C;
        /// Additional role number 4 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_4 ENTITY_ROLE_CODE_4: Text = 14..=16, AN, C;
        /// Additional role number 5 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_5 ENTITY_ROLE_CODE_5: Text = 17..=19, AN, C;
        /// Additional role number 6 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_6 ENTITY_ROLE_CODE_6: Text = 20..=22, AN, C;
        /// Additional role number 7 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_7 ENTITY_ROLE_CODE_7: Text = 23..=25, AN, C;
        /// Additional role number 8 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_8 ENTITY_ROLE_CODE_8: Text = 26..=28, AN, C;
        /// Additional role number 9 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_9 ENTITY_ROLE_CODE_9: Text = 29..=31, AN, C;
        /// Additional role number 10 of the entity or individual in the preceding PG19/PG20 (or PG21) (entity role code list). (confidence T2)
        entity_role_code_10 ENTITY_ROLE_CODE_10: Text = 32..=34, AN, C;
    } fillers [35..=80]
    Pg60 = "PG60", "Additional information (overflow) record" {
        /// Kind of overflow / additional information (codes/pg60-qualifiers.csv); determines which preceding record it extends. (confidence T2)
        additional_info_qualifier ADDITIONAL_INFO_QUALIFIER: Text = 5..=7, AN, M;
        /// The additional information text. (confidence T2)
        additional_info ADDITIONAL_INFO: Text = 8..=80, X, M;
    } fillers []
    BatchHeader = "A", "Batch header (A) record, ABI Batch & Block Control rev 23" {
        /// Sender/receiver site code assigned by CBP to the filer. (confidence T1)
        sender_site_code SENDER_SITE_CODE: Text = 2..=5, AN, M;
        /// Sender/receiver identification code (the filer code). (confidence T1)
        sender_id_code SENDER_ID_CODE: Text = 6..=8, AN, M;
        /// ABI communication password (blanked by CBP on output). (confidence T1)
        communication_password COMMUNICATION_PASSWORD: Text = 9..=14, AN, M .blanked_in_output();
        /// Transmission date. (confidence T1)
        transmission_date TRANSMISSION_DATE: Date6 = 15..=20, D, O;
        /// Application identifier of the data in the batch (codes/application-ids.csv). (confidence T1)
        application_id APPLICATION_ID: Text = 26..=27, AN, M;
        /// Sender/receiver office (branch) code. (confidence T1)
        sender_office_code SENDER_OFFICE_CODE: Text = 38..=39, AN, C;
        /// Transmitter user data; free reference returned unchanged in CBP's response. (confidence T1)
        user_data USER_DATA: Text = 60..=80, X, O;
    } fillers [21..=25, 28..=37, 40..=59]
    BlockHeader = "B", "Block header (B) record, ABI Batch & Block Control rev 23" {
        /// District/port where the block's transactions are processed. (confidence V)
        district_port_code DISTRICT_PORT_CODE: Text = 4..=7, AN, M;
        /// Entry filer code; must match the filer in the transactions. (confidence V)
        filer_code FILER_CODE: Text = 8..=10, AN, M;
        /// Application identifier of every transaction in the block, e.g. SE, AE (codes/application-ids.csv). (confidence V)
        application_id APPLICATION_ID: Text = 11..=12, AN, M;
        /// Processing filer office code. (confidence T1)
        filer_office_code FILER_OFFICE_CODE: Text = 45..=46, AN, C;
        /// Preparer's district/port (remote location filing). (confidence T1)
        preparer_district_port_code PREPARER_DISTRICT_PORT_CODE: Text = 47..=50, AN, C;
        /// Preparer's filer code. (confidence T1)
        preparer_filer_code PREPARER_FILER_CODE: Text = 51..=53, AN, C;
        /// Preparer's office code. (confidence T1)
        preparer_office_code PREPARER_OFFICE_CODE: Text = 54..=55, AN, C;
        /// Preparer indicator. (confidence T1)
        preparer_indicator PREPARER_INDICATOR: Text = 56..=56, AN, C;
        /// Filer/preparer user data; free reference echoed in responses. (confidence V)
        user_data USER_DATA: Text = 60..=80, X, O;
    } fillers [2..=3 => FillerContent::Legacy(&["00", "01"]), 13..=44 => FillerContent::OutputData, 57..=59]
    BlockTrailer = "Y", "Block trailer (Y) record, ABI Batch & Block Control rev 23" {
        /// Same value as in the B record. (confidence V)
        district_port_code DISTRICT_PORT_CODE: Text = 4..=7, AN, M;
        /// Same value as in the B record. (confidence V)
        filer_code FILER_CODE: Text = 8..=10, AN, M;
        /// Same value as in the B record. (confidence V)
        application_id APPLICATION_ID: Text = 11..=12, AN, M;
        /// Filler in the rev 23 input layout; CBP output and older input carry a 5-digit count here (output: transaction image count). Blank = absent. Exact counting rule unconfirmed. (confidence ?)
        record_count RECORD_COUNT: Int = 13..=17, N, O;
        /// Processing filer office code. (confidence T1)
        filer_office_code FILER_OFFICE_CODE: Text = 45..=46, AN, C;
    } fillers [2..=3 => FillerContent::Legacy(&["00", "01"]), 18..=44, 47..=80]
    BatchTrailer = "Z", "Batch trailer (Z) record, ABI Batch & Block Control rev 23" {
        /// Same value as in the A record. (confidence T1)
        sender_site_code SENDER_SITE_CODE: Text = 2..=5, AN, M;
        /// Same value as in the A record. (confidence T1)
        sender_id_code SENDER_ID_CODE: Text = 6..=8, AN, M;
        /// Transmission date, as in the A record. (confidence T1)
        transmission_date TRANSMISSION_DATE: Date6 = 15..=20, D, C;
        /// Same value as in the A record. (confidence T1)
        sender_office_code SENDER_OFFICE_CODE: Text = 38..=39, AN, C;
    } fillers [9..=14, 21..=37, 40..=80]
    Se90 = "SE90", "Condition / disposition (SE90, also GE90) response record, ACE Cargo Release" {
        /// Kind of message: 01 rejected, 02 accepted, 03 accepted with warnings, 04 referred to human review, 11 record rejected, 13 warning (codes/se90-message-types.csv). (confidence V)
        message_type_code MESSAGE_TYPE_CODE: Text = 5..=6, AN, M .codes(CodeList::Se90MessageTypes);
        /// Condition code identifying the message (e.g. PH6); may be blank on a final disposition. (confidence V)
        message_id_code MESSAGE_ID_CODE: Text = 7..=9, AN, C;
        /// Message text (ACE Cargo Release chapter v40, July 2025: 10-49, then filler). Text that a response carries in 50-79 is kept verbatim and reported as a warning. (confidence T2)
        narrative NARRATIVE: Text = 10..=49, X, M;
    } fillers [50..=80]
    So70 = "SO70", "PGA disposition record (SO70, also WO70 / PO70), base layout: versions 01-03 and blank" {
        /// Agency that issued the disposition (Appendix V). (confidence P)
        agency_code AGENCY_CODE: Text = 5..=7, AN, M;
        /// Agency program (Appendix PGA), left-justified. (confidence P)
        program_code PROGRAM_CODE: Text = 8..=10, AN, C;
        /// Date of the status action. (confidence P)
        status_date STATUS_DATE: Date6 = 11..=16, N, C;
        /// Time of the status action. (confidence P)
        status_time STATUS_TIME: Hhmm = 17..=20, N, C;
        /// PGA entry-level status (codes/so70-status-codes.csv), e.g. 07 may proceed. (confidence P)
        entry_status_code ENTRY_STATUS_CODE: Text = 21..=22, AN, C .codes(CodeList::So70StatusCodes);
        /// Narrative for entry_status_code. (confidence P)
        entry_status_message ENTRY_STATUS_MESSAGE: Text = 23..=50, X, C;
        /// Entry-line-level status (reserved for future use). (confidence P)
        entry_line_status_code ENTRY_LINE_STATUS_CODE: Text = 51..=52, AN, C;
        /// PGA-line-level status. (confidence P)
        pga_line_status_code PGA_LINE_STATUS_CODE: Text = 53..=54, AN, C .codes(CodeList::So70StatusCodes);
        /// Reason for the status. (confidence P)
        status_reason_code STATUS_REASON_CODE: Text = 55..=56, AN, C;
        /// First CBP (entry) line number of the range addressed. (confidence T2)
        begin_cbp_line_number BEGIN_CBP_LINE_NUMBER: Int = 57..=60, N, C;
        /// Which HTS number within that CBP line (1 = first). (confidence T2)
        begin_tariff_position BEGIN_TARIFF_POSITION: Int = 61..=61, N, C;
        /// First PGA line number (PG01 pga_line_number). (confidence T2)
        begin_pga_line_number BEGIN_PGA_LINE_NUMBER: Int = 62..=64, N, C;
        /// Last CBP line number of the range. (confidence T2)
        end_cbp_line_number END_CBP_LINE_NUMBER: Int = 65..=68, N, C;
        /// Tariff position of the range end. (confidence T2)
        end_tariff_position END_TARIFF_POSITION: Int = 69..=69, N, C;
        /// Last PGA line number of the range. (confidence T2)
        end_pga_line_number END_PGA_LINE_NUMBER: Int = 70..=72, N, C;
        /// Document the agency requires (submitted through DIS), e.g. 01 packing list, 02 invoice. (confidence P)
        document_type_code DOCUMENT_TYPE_CODE: Text = 73..=77, AN, C;
        /// PGA entry hold type: 1 set by CBP on behalf of the agency, 2 set by the agency (codes/so70-hold-types.csv). (confidence P)
        hold_type HOLD_TYPE: Text = 78..=78, X, C .codes(CodeList::So70HoldTypes);
        /// Version of the SO70-SO72 layout: blank, 01, 02, 03 (this layout) or 04 (layout SO70@04). (confidence P)
        processing_group_version PROCESSING_GROUP_VERSION: Text = 79..=80, AN, C;
    } fillers []
    So70V04 = "SO70" @ "04", "PGA disposition record (SO70, also WO70 / PO70), layout variant of version 04 (3-digit CBP line, 2-digit tariff position)" {
        /// Agency that issued the disposition (Appendix V). (confidence P)
        agency_code AGENCY_CODE: Text = 5..=7, AN, M;
        /// Agency program (Appendix PGA), left-justified. (confidence P)
        program_code PROGRAM_CODE: Text = 8..=10, AN, C;
        /// Date of the status action. (confidence P)
        status_date STATUS_DATE: Date6 = 11..=16, N, C;
        /// Time of the status action. (confidence P)
        status_time STATUS_TIME: Hhmm = 17..=20, N, C;
        /// PGA entry-level status (codes/so70-status-codes.csv), e.g. 07 may proceed. (confidence P)
        entry_status_code ENTRY_STATUS_CODE: Text = 21..=22, AN, C .codes(CodeList::So70StatusCodes);
        /// Narrative for entry_status_code. (confidence P)
        entry_status_message ENTRY_STATUS_MESSAGE: Text = 23..=50, X, C;
        /// Entry-line-level status (reserved for future use). (confidence P)
        entry_line_status_code ENTRY_LINE_STATUS_CODE: Text = 51..=52, AN, C;
        /// PGA-line-level status. (confidence P)
        pga_line_status_code PGA_LINE_STATUS_CODE: Text = 53..=54, AN, C .codes(CodeList::So70StatusCodes);
        /// Reason for the status. (confidence P)
        status_reason_code STATUS_REASON_CODE: Text = 55..=56, AN, C;
        /// First CBP (entry) line number of the range addressed (version 04: 3 digits). (confidence P)
        begin_cbp_line_number BEGIN_CBP_LINE_NUMBER: Int = 57..=59, N, C;
        /// Which HTS number within that CBP line (version 04: 2 digits). (confidence P)
        begin_tariff_position BEGIN_TARIFF_POSITION: Int = 60..=61, N, C;
        /// First PGA line number; 000 = every PGA line of the CBP line. (confidence P)
        begin_pga_line_number BEGIN_PGA_LINE_NUMBER: Int = 62..=64, N, C;
        /// Last CBP line number of the range (3 digits). (confidence P)
        end_cbp_line_number END_CBP_LINE_NUMBER: Int = 65..=67, N, C;
        /// Tariff position of the range end (2 digits). (confidence P)
        end_tariff_position END_TARIFF_POSITION: Int = 68..=69, N, C;
        /// Last PGA line number of the range; 000 = every PGA line. (confidence P)
        end_pga_line_number END_PGA_LINE_NUMBER: Int = 70..=72, N, C;
        /// Document the agency requires (submitted through DIS), e.g. 01 packing list, 02 invoice. (confidence P)
        document_type_code DOCUMENT_TYPE_CODE: Text = 73..=77, AN, C;
        /// PGA entry hold type: 1 set by CBP on behalf of the agency, 2 set by the agency (codes/so70-hold-types.csv). (confidence P)
        hold_type HOLD_TYPE: Text = 78..=78, X, C .codes(CodeList::So70HoldTypes);
        /// Version of the SO70-SO72 layout: blank, 01, 02, 03 (this layout) or 04 (layout SO70@04). (confidence P)
        processing_group_version PROCESSING_GROUP_VERSION: Text = 79..=80, AN, C;
    } fillers []
    So70Thru = "SO70" @ "THRU", "PGA disposition record (SO70, also WO70 / PO70), pre-version layout variant with a THRU range and no tariff positions" {
        /// Agency that issued the disposition (Appendix V). (confidence P)
        agency_code AGENCY_CODE: Text = 5..=7, AN, M;
        /// Agency program (Appendix PGA), left-justified. (confidence P)
        program_code PROGRAM_CODE: Text = 8..=10, AN, C;
        /// Date of the status action. (confidence P)
        status_date STATUS_DATE: Date6 = 11..=16, N, C;
        /// Time of the status action. (confidence P)
        status_time STATUS_TIME: Hhmm = 17..=20, N, C;
        /// PGA entry-level status (codes/so70-status-codes.csv), e.g. 07 may proceed. (confidence P)
        entry_status_code ENTRY_STATUS_CODE: Text = 21..=22, AN, C .codes(CodeList::So70StatusCodes);
        /// Narrative for entry_status_code. (confidence P)
        entry_status_message ENTRY_STATUS_MESSAGE: Text = 23..=50, X, C;
        /// Entry-line-level status (reserved for future use). (confidence P)
        entry_line_status_code ENTRY_LINE_STATUS_CODE: Text = 51..=52, AN, C;
        /// PGA-line-level status. (confidence P)
        pga_line_status_code PGA_LINE_STATUS_CODE: Text = 53..=54, AN, C .codes(CodeList::So70StatusCodes);
        /// Reason for the status. (confidence P)
        status_reason_code STATUS_REASON_CODE: Text = 55..=56, AN, C;
        /// First CBP line number of the range (pre-version layout: 3 digits). (confidence T1)
        begin_cbp_line_number BEGIN_CBP_LINE_NUMBER: Int = 57..=59, N, C;
        /// First PGA line number of the range. (confidence T1)
        begin_pga_line_number BEGIN_PGA_LINE_NUMBER: Int = 60..=62, N, C;
        /// The literal THRU; it identifies this pre-version layout. (confidence T1)
        range_indicator RANGE_INDICATOR: Text = 63..=66, AN, M;
        /// Last CBP line number of the range. (confidence T1)
        end_cbp_line_number END_CBP_LINE_NUMBER: Int = 67..=69, N, C;
        /// Last PGA line number of the range. (confidence T1)
        end_pga_line_number END_PGA_LINE_NUMBER: Int = 70..=72, N, C;
        /// Document the agency requires (3 characters in this layout). (confidence T1)
        document_type_code DOCUMENT_TYPE_CODE: Text = 73..=75, AN, C;
        /// PGA entry hold type (codes/so70-hold-types.csv). (confidence T1)
        hold_type HOLD_TYPE: Text = 76..=76, AN, C .codes(CodeList::So70HoldTypes);
        /// Blank in this layout. (confidence T1)
        processing_group_version PROCESSING_GROUP_VERSION: Text = 79..=80, AN, C;
    } fillers [77..=78]
    So71 = "SO71", "PGA disposition reference record (SO71, also WO71 / PO71)" {
        /// Kind of reference_number_1. (confidence T1)
        reference_qualifier_1 REFERENCE_QUALIFIER_1: Text = 5..=6, AN, C;
        /// First reference number. (confidence T1)
        reference_number_1 REFERENCE_NUMBER_1: Text = 7..=18, X, C;
        /// Receipt date. (confidence T1)
        receipt_date RECEIPT_DATE: Date6 = 19..=24, N, C;
        /// Receipt time. (confidence T1)
        receipt_time RECEIPT_TIME: Hhmmss = 25..=30, N, C;
        /// PGA-line sub-reason code 1. (confidence T1)
        sub_reason_code_1 SUB_REASON_CODE_1: Text = 31..=33, AN, C;
        /// PGA-line sub-reason code 2. (confidence T1)
        sub_reason_code_2 SUB_REASON_CODE_2: Text = 34..=36, AN, C;
        /// PGA-line sub-reason code 3. (confidence T1)
        sub_reason_code_3 SUB_REASON_CODE_3: Text = 37..=39, AN, C;
        /// PGA-line sub-reason code 4. (confidence T1)
        sub_reason_code_4 SUB_REASON_CODE_4: Text = 40..=42, AN, C;
        /// PGA-line sub-reason code 5. (confidence T1)
        sub_reason_code_5 SUB_REASON_CODE_5: Text = 43..=45, AN, C;
        /// PGA-line sub-reason code 6. (confidence T1)
        sub_reason_code_6 SUB_REASON_CODE_6: Text = 46..=48, AN, C;
        /// PGA-line sub-reason code 7. (confidence T1)
        sub_reason_code_7 SUB_REASON_CODE_7: Text = 49..=51, AN, C;
        /// PGA-line sub-reason code 8. (confidence T1)
        sub_reason_code_8 SUB_REASON_CODE_8: Text = 52..=54, AN, C;
        /// PGA-line sub-reason code 9. (confidence T1)
        sub_reason_code_9 SUB_REASON_CODE_9: Text = 55..=57, AN, C;
        /// PGA-line sub-reason code 10. (confidence T1)
        sub_reason_code_10 SUB_REASON_CODE_10: Text = 58..=60, AN, C;
        /// Kind of reference_number_2. (confidence T1)
        reference_qualifier_2 REFERENCE_QUALIFIER_2: Text = 61..=62, AN, C;
        /// Second reference number. (confidence T1)
        reference_number_2 REFERENCE_NUMBER_2: Text = 63..=80, X, C;
    } fillers []
    So72 = "SO72", "PGA disposition comment record (SO72, also WO72)" {
        /// Free-text message from the agency about the PGA line(s). (confidence T1)
        comment_text COMMENT_TEXT: Text = 5..=80, X, M;
    } fillers []
}
