package fields

import "slices"

// Column kinds are columns leakcheck recognises by their header name but
// does not hash: address, PIN code, PAN, passport, voter ID, driving
// licence, test result and the like. A filter records which kinds its dump
// held (names of kinds only, never values or the column names as given), so
// that a check can say what the dump holds that the registry does not: a
// dump holding addresses did not come from a registry that never held one.

// kindSynonyms lists, per kind, the header names that mean it, in the form
// headerKey produces.
var kindSynonyms = map[string][]string{
	"address": {"address", "addr", "fulladdress", "residentialaddress", "permanentaddress", "currentaddress",
		"homeaddress", "streetaddress", "address1", "addressline1", "addressline", "street", "locality", "पता"},
	"pincode":         {"pincode", "pin", "pincodeno", "postalcode", "postcode", "zip", "zipcode", "पिनकोड"},
	"pan":             {"pan", "panno", "pannumber", "pancard", "pancardno", "pancardnumber"},
	"passport":        {"passport", "passportno", "passportnumber"},
	"voter_id":        {"voterid", "voteridno", "voteridnumber", "epic", "epicno", "epicnumber", "votercard", "electoralphotoid"},
	"driving_licence": {"drivinglicence", "drivinglicense", "dlno", "dlnumber", "licenceno", "licenseno"},
	"test_result":     {"testresult", "result", "covidresult", "covidtestresult", "rtpcrresult", "testoutcome", "labresult"},
	"bank_account":    {"bankaccount", "accountno", "accountnumber", "bankaccountno", "bankaccountnumber", "ifsc", "ifsccode"},
	"ration_card":     {"rationcard", "rationcardno", "rationcardnumber"},
	"occupation":      {"occupation", "profession", "employer", "designation"},
	"religion":        {"religion", "caste", "category"},
}

// ColumnKind returns the kind a column's header name means, if leakcheck
// recognises it.
func ColumnKind(column string) (string, bool) {
	k := headerKey(column)
	if k == "" {
		return "", false
	}
	for _, kind := range Kinds() {
		if slices.Contains(kindSynonyms[kind], k) {
			return kind, true
		}
	}
	return "", false
}

// Kinds lists the column kinds leakcheck recognises, in order.
func Kinds() []string {
	out := make([]string, 0, len(kindSynonyms))
	for k := range kindSynonyms {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
