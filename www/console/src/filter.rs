//! The filter builder: conditions on every field type with every operator the API has,
//! nested AND/OR groups, tags included and excluded, building the shared `FilterDoc` the
//! customer list searches with.
