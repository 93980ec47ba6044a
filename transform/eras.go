package transform

// eraMappings derive the era tables from the clinical tables; they run last.
var eraMappings = []mapping{}
